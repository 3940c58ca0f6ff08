import { afterEach, describe, expect, it } from "vitest";
import type { ApiClient } from "../../src/api/client.js";
import { runPlan } from "../../src/cli/commands/plan.js";
import { exitCodeOf } from "../../src/cli/exit-codes.js";
import { captureIO } from "../../src/cli/io.js";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/index.js";
import {
  clientFor,
  generatedInputs,
  liveInputs,
  planAndApply,
  planOnly,
  tempDir,
  writeManifest,
} from "../helpers/app.js";

const open: { em: EmulatorHandle; api: ApiClient; cleanup(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.api.close();
    await o.em.close();
    await o.cleanup();
  }
});

async function setup(options: Parameters<typeof startEmulator>[0] = {}) {
  const em = await startEmulator({ port: 0, db: ":memory:", indexDelayMs: 10, ...options });
  const api = clientFor(em.url, { userId: "u", appId: "a" });
  const { dir, cleanup } = await tempDir();
  open.push({ em, api, cleanup });
  return { em, api, dir };
}

/** Seeds the app through the API, the way another tool or a person would have. */
async function seedThroughApi(api: ApiClient, inputs: Parameters<ApiClient["postInputs"]>[0]) {
  for (let i = 0; i < inputs.length; i += 128) {
    const reply = await api.postInputs(inputs.slice(i, i + 128));
    expect(reply.status.code).toBe(10000);
  }
}

const owned = (name: string) => ({ _dataset: { manifest: name } });

describe("plan against a live app", () => {
  it("classifies every kind of difference", async () => {
    const { api, dir } = await setup();
    await seedThroughApi(api, [
      {
        id: "same",
        data: {
          image: { url: "https://x.test/same.jpg" },
          concepts: [
            { id: "b", value: 1 },
            { id: "a", value: 0 },
          ],
          metadata: { k: { y: 1, x: 100 }, ...owned("m") },
        },
      },
      {
        id: "flip",
        data: {
          image: { url: "https://x.test/flip.jpg" },
          concepts: [{ id: "cat", value: 1 }],
          metadata: owned("m"),
        },
      },
      { id: "moved", data: { image: { url: "https://x.test/old.jpg" }, metadata: owned("m") } },
      { id: "adopt", data: { image: { url: "https://x.test/adopt.jpg" } } },
      {
        id: "dropped",
        data: { image: { url: "https://x.test/dropped.jpg" }, metadata: owned("m") },
      },
      {
        id: "theirs",
        data: { image: { url: "https://x.test/theirs.jpg" }, metadata: owned("other") },
      },
    ]);
    const path = await writeManifest(`${dir}/m.yaml`, "m", [
      {
        id: "same",
        url: "https://x.test/same.jpg",
        concepts: [{ id: "a", value: 0 }, "b"],
        metadata: { k: { x: 100.0, y: 1 } },
      },
      { id: "flip", url: "https://x.test/flip.jpg", concepts: [{ id: "cat", value: 0 }] },
      { id: "moved", url: "https://x.test/new.jpg" },
      { id: "adopt", url: "https://x.test/adopt.jpg" },
      { id: "fresh", url: "https://x.test/fresh.jpg" },
    ]);
    const plan = await planOnly(path, api, true);
    expect(plan.changes.map((c) => `${c.action}:${c.id}`)).toEqual([
      "delete:dropped",
      "replace:moved",
      "create:fresh",
      "update:flip",
      "adopt:adopt",
    ]);
    expect(plan.summary).toEqual({
      create: 1,
      update: 1,
      replace: 1,
      recreate: 0,
      delete: 1,
      adopt: 1,
      unchanged: 1,
      unmanaged: 1,
    });
    const withoutPrune = await planOnly(path, api, false);
    expect(withoutPrune.summary.delete).toBe(0);
    expect(withoutPrune.live).toMatchObject({ total: 6, owned: 4, prunable: 1 });
  });

  it("adopts an unmarked input with the same data: apply adds only the marker, then no changes", async () => {
    const { api, dir, em } = await setup();
    await seedThroughApi(api, [
      {
        id: "theirs",
        data: {
          image: { url: "https://x.test/a.jpg" },
          concepts: [{ id: "cat", value: 1 }],
          metadata: { k: 1 },
        },
      },
    ]);
    const path = await writeManifest(`${dir}/m.yaml`, "m", [
      { id: "theirs", url: "https://x.test/a.jpg", concepts: ["cat"], metadata: { k: 1 } },
    ]);
    const posts = em.stats().endpoints.PostInputs?.requests ?? 0;
    const { plan, report } = await planAndApply({ manifestPath: path, api });
    expect(plan.changes.map((c) => `${c.action}:${c.id}`)).toEqual(["adopt:theirs"]);
    expect(plan.summary).toMatchObject({ adopt: 1, update: 0, unchanged: 0 });
    expect(report.updated).toEqual(["theirs"]);
    expect(em.stats().endpoints.PostInputs?.requests ?? 0).toBe(posts);
    const [live] = await liveInputs(api);
    expect(live?.data?.metadata).toEqual({ k: 1, _dataset: { manifest: "m" } });
    expect(live?.data?.concepts?.map((c) => [c.id, c.value])).toEqual([["cat", 1]]);
    expect((await planOnly(path, api)).summary).toMatchObject({ adopt: 0, unchanged: 1 });
  });

  it("reads every page: exactly one page and one page + 1", async () => {
    for (const n of [1000, 1001]) {
      const { api, dir, em } = await setup();
      em.seed(
        { userId: "u", appId: "a" },
        generatedInputs(n).map((i) => ({
          id: i.id,
          data: { image: { url: i.url as string }, metadata: owned("m") },
        })),
      );
      const path = await writeManifest(
        `${dir}/m.yaml`,
        "m",
        generatedInputs(n).map((i) => ({ id: i.id, url: i.url as string })),
      );
      const plan = await planOnly(path, api);
      expect(plan.summary).toMatchObject({ create: 0, unchanged: n });
      // The stream ends on the first empty page: 1,000 + empty, or 1,000 + 1 + empty.
      expect(em.stats().endpoints.StreamInputs.requests).toBe(n === 1000 ? 2 : 3);
    }
  });

  it("a 429 and 5xx during the stream are retried and the plan is still right", async () => {
    const { api, dir, em } = await setup({ rateLimit: 3, faultRate: 0.3, seed: 3 });
    em.seed(
      { userId: "u", appId: "a" },
      generatedInputs(5000).map((i) => ({
        id: i.id,
        data: { image: { url: i.url as string }, metadata: owned("m") },
      })),
    );
    const inputs = generatedInputs(5001).map((i) => ({ id: i.id, url: i.url as string }));
    const path = await writeManifest(`${dir}/m.yaml`, "m", inputs);
    const plan = await planOnly(path, api);
    expect(plan.summary).toMatchObject({ create: 1, unchanged: 5000, update: 0 });
    const stats = em.stats();
    expect(stats.throttled + stats.faultsInjected).toBeGreaterThan(0);
  });

  it("--detailed-exitcode is 2 with changes and 0 without; --format json is versioned", async () => {
    const { em, dir } = await setup();
    const path = await writeManifest(`${dir}/m.yaml`, "m", generatedInputs(2));
    const flags = {
      apiBase: em.url,
      pat: "t0k3n",
      userId: "u",
      appId: "a",
      detailedExitcode: true,
      format: "json",
    };
    const io = captureIO({ cwd: dir });
    expect(exitCodeOf(await runPlan(path, flags, io))).toBe(2);
    const plan = JSON.parse(io.stdout.join(""));
    expect(plan).toMatchObject({
      format_version: 1,
      manifest: { name: "m" },
      summary: { create: 2 },
    });
    em.seed(
      { userId: "u", appId: "a" },
      generatedInputs(2).map((i) => ({
        id: i.id,
        data: {
          image: { url: i.url as string },
          concepts: [
            { id: "shoe", value: 1 },
            ...(i.id.endsWith("0") ? [{ id: "boot", value: 0 }] : []),
          ],
          metadata: { ...i.metadata, ...owned("m") } as never,
        },
      })),
    );
    const again = captureIO({ cwd: dir });
    expect(exitCodeOf(await runPlan(path, { ...flags, format: "text" }, again))).toBe(0);
    expect(again.stdout.join("").trim().split("\n")).toEqual([
      expect.stringMatching(/^Target: users\/u\/apps\/a on http:\/\/127\.0\.0\.1:\d+ \(/),
      "No changes. The app matches the manifest (2 inputs).",
    ]);
  });
});
