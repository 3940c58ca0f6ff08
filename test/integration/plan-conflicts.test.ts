import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApply } from "../../src/cli/commands/apply.js";
import { runPlan } from "../../src/cli/commands/plan.js";
import { exitCodeOf } from "../../src/cli/exit-codes.js";
import { captureIO } from "../../src/cli/io.js";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/index.js";
import type { Plan } from "../../src/plan/types.js";
import { clientFor, liveInputs, tempDir, writeManifest } from "../helpers/app.js";

/**
 * Issue 11 part 2 over HTTP against the emulator: a plan whose create posts a URL that a live
 * input keeps is an error at plan time, and apply refuses it with nothing written.
 */
let work: Awaited<ReturnType<typeof tempDir>>;
let em: EmulatorHandle;
beforeAll(async () => {
  work = await tempDir();
  em = await startEmulator({ port: 0, db: ":memory:", indexDelayMs: 10 });
});
afterAll(async () => {
  await em.close();
  await work.cleanup();
});

const URL = "https://img.example.com/shoe.jpg";
const flags = (appId: string) => ({ apiBase: em.url, pat: "test-token-123", userId: "u", appId });

async function ids(appId: string): Promise<string[]> {
  const api = clientFor(em.url, { userId: "u", appId });
  try {
    return (await liveInputs(api)).map((i) => i.id).sort();
  } finally {
    await api.close();
  }
}

/** Applies `old` holding URL, then renames it to `new` in the manifest; returns its path. */
async function renamed(appId: string, extra: { allow_duplicate_url?: boolean } = {}) {
  const path = await writeManifest(`${work.dir}/${appId}.yaml`, appId, [{ id: "old", url: URL }]);
  const io = captureIO({ cwd: work.dir });
  expect(exitCodeOf(await runApply(path, { ...flags(appId), yes: true }, io))).toBe(0);
  await writeManifest(path, appId, [{ id: "new", url: URL, ...extra }]);
  return path;
}

const postsOf = (emulator: EmulatorHandle) => emulator.stats().endpoints.PostInputs?.requests ?? 0;

describe("a create whose URL a live input keeps", () => {
  it("is a plan error naming both ids, the URL and the ways out; exit 1", async () => {
    const path = await renamed("rename");
    const io = captureIO({ cwd: work.dir });
    expect(exitCodeOf(await runPlan(path, flags("rename"), io))).toBe(1);
    expect(io.stdout.join("")).toContain("Plan: 1 to create");
    expect(io.stderr).toEqual([
      `error: input "new" would post ${URL}, which live input "old" (owned by this manifest, no longer declared) keeps; the API refuses a URL already in the app`,
      "hint: run with --prune to delete the old input this manifest no longer declares, set allow_duplicate_url: true on the new input, or give it a different URL",
    ]);

    const json = captureIO({ cwd: work.dir });
    expect(exitCodeOf(await runPlan(path, { ...flags("rename"), format: "json" }, json))).toBe(1);
    const plan = JSON.parse(json.stdout.join("")) as Plan;
    expect(plan.conflicts).toEqual([{ id: "new", url: URL, live_id: "old", prunable: true }]);

    const markdown = captureIO({ cwd: work.dir });
    expect(
      exitCodeOf(await runPlan(path, { ...flags("rename"), format: "markdown" }, markdown)),
    ).toBe(1);
    expect(markdown.stdout.join("")).toContain("Apply would be refused: 1 input posts a URL");
  });

  it("is refused by apply, from the manifest and from a saved plan, with nothing written", async () => {
    const path = await renamed("refuse");
    const posts = postsOf(em);
    await expect(
      runApply(path, { ...flags("refuse"), yes: true }, captureIO({ cwd: work.dir })),
    ).rejects.toThrow(`input "new" would post ${URL}, which live input "old"`);

    const out = `${work.dir}/refuse-plan.json`;
    const planIo = captureIO({ cwd: work.dir });
    expect(exitCodeOf(await runPlan(path, { ...flags("refuse"), out }, planIo))).toBe(1);
    expect(JSON.parse(await readFile(out, "utf8")).conflicts).toHaveLength(1);
    await expect(
      runApply(out, { pat: "test-token-123" }, captureIO({ cwd: work.dir })),
    ).rejects.toThrow("; nothing was changed");
    expect(postsOf(em)).toBe(posts);
    expect(await ids("refuse")).toEqual(["old"]);
  });

  it("plans a delete and a create with --prune, and apply converges", async () => {
    const path = await renamed("prune");
    const io = captureIO({ cwd: work.dir });
    expect(
      exitCodeOf(await runPlan(path, { ...flags("prune"), prune: true, format: "json" }, io)),
    ).toBe(0);
    const plan = JSON.parse(io.stdout.join("")) as Plan;
    expect(plan.conflicts).toBeUndefined();
    expect(plan.changes.map((c) => `${c.action}:${c.id}`)).toEqual(["delete:old", "create:new"]);
    const apply = captureIO({ cwd: work.dir });
    expect(
      exitCodeOf(await runApply(path, { ...flags("prune"), yes: true, prune: true }, apply)),
    ).toBe(0);
    expect(await ids("prune")).toEqual(["new"]);
  });

  it("is fine when the new input sets allow_duplicate_url: true", async () => {
    const path = await renamed("dup", { allow_duplicate_url: true });
    const io = captureIO({ cwd: work.dir });
    expect(exitCodeOf(await runPlan(path, flags("dup"), io))).toBe(0);
    expect(io.stderr.filter((line) => line.startsWith("error:"))).toEqual([]);
    const apply = captureIO({ cwd: work.dir });
    expect(exitCodeOf(await runApply(path, { ...flags("dup"), yes: true }, apply))).toBe(0);
    expect(await ids("dup")).toEqual(["new", "old"]);
  });
});
