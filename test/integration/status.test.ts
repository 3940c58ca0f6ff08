/**
 * `dataset status` over HTTP against the real emulator: counts without a manifest; with one,
 * indexed, pending, failed (with the API's description), missing, owned-undeclared, unmanaged
 * and per-concept counts, and the exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../src/api/client.js";
import { runStatus } from "../../src/cli/commands/status.js";
import { exitCodeOf } from "../../src/cli/exit-codes.js";
import { captureIO } from "../../src/cli/io.js";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/index.js";
import { clientFor, tempDir, writeManifest } from "../helpers/app.js";

const PAT = "test-token-123";
let work: Awaited<ReturnType<typeof tempDir>>;
let fast: EmulatorHandle;
let slow: EmulatorHandle;
beforeAll(async () => {
  work = await tempDir();
  fast = await startEmulator({ port: 0, db: ":memory:", indexDelayMs: 10, failUrl: /broken/ });
  // Indexing never finishes within a test here: inputs stay pending.
  slow = await startEmulator({ port: 0, db: ":memory:", indexDelayMs: 600_000 });
});
afterAll(async () => {
  await fast.close();
  await slow.close();
  await work.cleanup();
});

async function settle(api: ApiClient): Promise<void> {
  for (;;) {
    const counts = await api.getInputCount();
    if (counts.to_process + counts.processing === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const url = (name: string) => `https://img.example.com/${name}.jpg`;

describe("dataset status against the emulator", () => {
  let manifest = "";
  beforeAll(async () => {
    const api = clientFor(fast.url, { userId: "u", appId: "st" });
    await api.postInputs([
      { id: "ok-1", data: { image: { url: url("1") }, concepts: [{ id: "cat", value: 1 }] } },
      { id: "ok-2", data: { image: { url: url("2") }, concepts: [{ id: "dog", value: 1 }] } },
      { id: "bad-1", data: { image: { url: url("broken") } } },
      {
        id: "gone",
        data: { image: { url: url("3") }, metadata: { _dataset: { manifest: "st" } } },
      },
      { id: "theirs", data: { image: { url: url("4") } } },
    ]);
    await settle(api);
    await api.close();
    manifest = await writeManifest(`${work.dir}/st.yaml`, "st", [
      { id: "ok-1", url: url("1"), concepts: ["cat"] },
      { id: "ok-2", url: url("2"), concepts: ["cat"] },
      { id: "bad-1", url: url("broken") },
      { id: "new-1", url: url("5"), concepts: ["cat"] },
    ]);
  });

  const flags = (em: EmulatorHandle, appId: string) => ({
    apiBase: em.url,
    pat: PAT,
    userId: "u",
    appId,
  });

  it("names each count of GetInputCount in words; exit 1 when the app holds failed inputs", async () => {
    const io = captureIO();
    const code = await runStatus(undefined, flags(fast, "st"), io);
    expect(exitCodeOf(code)).toBe(1);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/^App users\/u\/apps\/st at http:\/\/127\.0\.0\.1:\d+: 5 inputs\.$/m);
    expect(text).toContain("  4 processed (indexed and searchable)");
    expect(text).toContain("  1 errors (failed to download or index)");
    expect(text).toContain("  0 to reindex (waiting to be indexed again)");

    const json = captureIO();
    await runStatus(undefined, { ...flags(fast, "st"), format: "json" }, json);
    expect(JSON.parse(json.stdout.join(""))).toMatchObject({
      format_version: 1,
      target: { user_id: "u", app_id: "st" },
      counts: { processed: 4, to_process: 0, errors: 1, processing: 0, reindexed: 0 },
    });
  });

  it("reports indexed, failed with the API's description, missing, undeclared and concepts", async () => {
    const io = captureIO({ cwd: work.dir });
    const code = await runStatus(manifest, { ...flags(fast, "st"), format: "json" }, io);
    expect(exitCodeOf(code)).toBe(1);
    const status = JSON.parse(io.stdout.join(""));
    expect(status.summary).toEqual({
      declared: 4,
      indexed: 2,
      pending: 0,
      failed: 1,
      missing: 1,
      owned_undeclared: 1,
      unmanaged: 1,
    });
    expect(status.failed).toEqual([
      {
        id: "bad-1",
        code: 30002,
        status: "INPUT_FAILED",
        description: "Download failed; check URL",
        details: expect.any(String),
      },
    ]);
    expect(status.missing).toEqual(["new-1"]);
    expect(status.concepts).toEqual([
      { id: "cat", declared: 3, live: 1 },
      { id: "dog", declared: 0, live: 1 },
    ]);

    const text = captureIO({ cwd: work.dir });
    await runStatus(manifest, flags(fast, "st"), text);
    const out = text.stdout.join("\n");
    expect(out).toContain("  4 declared: 2 indexed, 0 pending, 1 failed, 1 missing.");
    expect(out).toMatch(/^ {4}bad-1 {2}INPUT_FAILED \(Download failed; check URL/m);
    expect(out).toContain(
      "  Not declared: 1 owned by st (`plan --prune` would delete them), 1 unmanaged.",
    );
    expect(out).toMatch(/^ {4}cat {2}3 \/ 1 {2}≠$/m);
  });

  it("exits 0 when all is indexed, and 2 with --detailed-exitcode while inputs are pending or missing", async () => {
    const api = clientFor(slow.url, { userId: "u", appId: "wait" });
    await api.postInputs([{ id: "p-1", data: { image: { url: url("p1") } } }]);
    await api.close();
    const waiting = await writeManifest(`${work.dir}/wait.yaml`, "wait", [
      { id: "p-1", url: url("p1") },
    ]);
    const plain = captureIO({ cwd: work.dir });
    expect(exitCodeOf(await runStatus(waiting, flags(slow, "wait"), plain))).toBe(0);
    expect(plain.stdout.join("\n")).toContain("1 declared: 0 indexed, 1 pending (1 INPUT_PENDING)");
    expect(plain.stdout.join("\n")).toMatch(/^ {4}p-1 {2}INPUT_PENDING/m);
    const detailed = captureIO({ cwd: work.dir });
    expect(
      exitCodeOf(
        await runStatus(waiting, { ...flags(slow, "wait"), detailedExitcode: true }, detailed),
      ),
    ).toBe(2);

    const done = await writeManifest(`${work.dir}/done.yaml`, "st", [
      { id: "ok-1", url: url("1") },
    ]);
    const ok = captureIO({ cwd: work.dir });
    expect(
      exitCodeOf(await runStatus(done, { ...flags(fast, "st"), detailedExitcode: true }, ok)),
    ).toBe(0);
    expect(ok.stdout.join("\n")).toContain("Every declared input is present and indexed.");
  });
});
