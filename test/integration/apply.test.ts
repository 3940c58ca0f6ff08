import { readFile, writeFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../src/api/client.js";
import { createClient } from "../../src/api/client.js";
import { applyPlan } from "../../src/apply/executor.js";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/index.js";
import { buildPlan, diffInputs } from "../../src/plan/index.js";
import {
  clientFor,
  expectAppMatches,
  generatedInputs,
  liveInputs,
  mustLoad,
  planAndApply,
  planOnly,
  tempDir,
  writeManifest,
} from "../helpers/app.js";

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.cleanup();
});

const open: { em: EmulatorHandle; api: ApiClient }[] = [];
afterEach(async () => {
  for (const { em, api } of open.splice(0)) {
    await api.close();
    await em.close();
  }
});

let appCounter = 0;
async function setup(options: Parameters<typeof startEmulator>[0] = {}, maxRps?: number) {
  const em = await startEmulator({ port: 0, db: ":memory:", indexDelayMs: 100, ...options });
  const app = { userId: "u", appId: `app${++appCounter}` };
  const api = clientFor(em.url, app, maxRps);
  open.push({ em, api });
  return { em, api, app };
}

describe("apply converges the app to the manifest", () => {
  it("creates, then plans no changes; edits update, replace and prune exactly", async () => {
    const { api } = await setup();
    const path = `${work.dir}/edit.yaml`;
    await writeManifest(path, "edits", [
      {
        id: "train1",
        url: "https://samples.clarifai.com/metro-north.jpg",
        concepts: ["train"],
        metadata: { split: "train" },
      },
      {
        id: "puppy1",
        url: "https://samples.clarifai.com/puppy.jpeg",
        concepts: ["charlie", { id: "cat", value: 0 }],
        metadata: { id: "id001", type: "animal", size: 100 },
      },
      { id: "gone1", url: "https://samples.clarifai.com/wedding.jpg" },
    ]);
    const first = await planAndApply({ manifestPath: path, api });
    expect(first.plan.summary).toMatchObject({ create: 3, update: 0, replace: 0, delete: 0 });
    expect(first.report).toMatchObject({
      failed: [],
      notDone: [],
      stillIndexing: [],
      stopped: undefined,
    });
    expect([...first.report.created].sort()).toEqual(["gone1", "puppy1", "train1"]);
    expect([...first.report.indexed].sort()).toEqual(["gone1", "puppy1", "train1"]);
    expect((await planOnly(path, api)).changes).toEqual([]);

    await writeManifest(path, "edits", [
      {
        id: "train1",
        url: "https://samples.clarifai.com/metro-north-2.jpg",
        concepts: ["train"],
        metadata: { split: "train" },
      },
      {
        id: "puppy1",
        url: "https://samples.clarifai.com/puppy.jpeg",
        concepts: [{ id: "cat", value: 1 }, "dog"],
        metadata: { id: "id001", type: "animal", size: 100.5, nested: { a: [1, 2] } },
      },
    ]);
    const second = await planAndApply({ manifestPath: path, api, prune: true });
    expect(second.plan.summary).toMatchObject({ create: 0, update: 1, replace: 1, delete: 1 });
    expect(second.report).toMatchObject({
      replaced: ["train1"],
      updated: ["puppy1"],
      deleted: ["gone1"],
      failed: [],
      notDone: [],
    });
    await expectAppMatches(api, second.manifest);
    expect((await liveInputs(api)).map((i) => i.id).sort()).toEqual(["puppy1", "train1"]);
    expect((await planOnly(path, api, true)).changes).toEqual([]);
  });

  it("without --prune a removed input stays in the app", async () => {
    const { api } = await setup();
    const path = `${work.dir}/noprune.yaml`;
    await writeManifest(path, "noprune", generatedInputs(3));
    await planAndApply({ manifestPath: path, api });
    await writeManifest(path, "noprune", generatedInputs(2));
    const { plan, report } = await planAndApply({ manifestPath: path, api });
    expect(plan.changes).toEqual([]);
    expect(plan.live?.prunable).toBe(1);
    expect(report.deleted).toEqual([]);
    expect(await liveInputs(api)).toHaveLength(3);
  });

  it("prune deletes only this manifest's inputs, never another manifest's or unmanaged ones", async () => {
    const { api, em, app } = await setup();
    em.seed({ userId: app.userId, appId: app.appId }, [
      { id: "hand-made", data: { image: { url: "https://img.example.com/hand.jpg" } } },
    ]);
    const a = await writeManifest(
      `${work.dir}/a.yaml`,
      "team-a",
      generatedInputs(4, { prefix: "a" }),
    );
    const b = await writeManifest(
      `${work.dir}/b.yaml`,
      "team-b",
      generatedInputs(3, { prefix: "b" }),
    );
    await planAndApply({ manifestPath: a, api });
    await planAndApply({ manifestPath: b, api });
    await writeManifest(a, "team-a", generatedInputs(1, { prefix: "a" }));
    const { plan, report } = await planAndApply({ manifestPath: a, api, prune: true });
    expect(plan.summary).toMatchObject({ delete: 3, unmanaged: 4 });
    expect(report.deleted.sort()).toEqual(["a-00001", "a-00002", "a-00003"]);
    const ids = (await liveInputs(api)).map((i) => i.id).sort();
    expect(ids).toEqual(["a-00000", "b-00000", "b-00001", "b-00002", "hand-made"]);
  });

  it("adopts an input that exists without the ownership marker", async () => {
    const { api, em, app } = await setup();
    em.seed(app, [
      { id: "img-00000", data: { image: { url: "https://img.example.com/img/0.jpg" } } },
    ]);
    const path = await writeManifest(`${work.dir}/adopt.yaml`, "adopt", generatedInputs(1));
    const { plan, report } = await planAndApply({ manifestPath: path, api });
    expect(plan.changes.map((c) => c.action)).toEqual(["update"]);
    expect(report.updated).toEqual(["img-00000"]);
    await expectAppMatches(api, await mustLoad(path));
  });
});

describe("batching and polling", () => {
  it("posts 1,000 creates in batches of at most 128 and waits on counts, not on listing ids", async () => {
    const { api, em } = await setup({ indexDelayMs: 300 });
    const path = await writeManifest(
      `${work.dir}/thousand.yaml`,
      "thousand",
      generatedInputs(1000),
    );
    const { report, manifest } = await planAndApply({ manifestPath: path, api, concurrency: 4 });
    expect(report.created).toHaveLength(1000);
    expect(report.indexed).toHaveLength(1000);
    const stats = em.stats();
    expect(stats.largestBatch.PostInputs).toBe(128);
    expect(stats.endpoints.PostInputs.requests).toBe(Math.ceil(1000 / 128));
    expect(report.pollRounds).toBeGreaterThan(0);
    // Nobody else writes to this app: GetInputCount is a gate that can be trusted, so no id is
    // listed; one count before the posts, one per round.
    expect(stats.endpoints.ListInputs.requests).toBe(0);
    expect(stats.endpoints.GetInputCount.requests).toBe(report.pollRounds + 1);
    expect(report.requests.poll).toBe(report.pollRounds + 1);
    expect(stats.endpoints.GetInput.requests).toBe(0);
    await expectAppMatches(api, manifest);
  });
});

describe("faults", () => {
  it("a rate-limit storm (429, no Retry-After) still converges, nothing duplicated", async () => {
    const { api, em } = await setup({ rateLimit: 5 });
    const path = await writeManifest(`${work.dir}/storm.yaml`, "storm", generatedInputs(1500));
    const { report, manifest } = await planAndApply({ manifestPath: path, api, concurrency: 8 });
    expect(report.failed).toEqual([]);
    expect(report.created).toHaveLength(1500);
    expect(em.stats().throttled).toBeGreaterThan(0);
    await expectAppMatches(api, manifest);
  });

  it("injected 5xx faults (rate 0.2, seeded) converge with nothing lost or duplicated", async () => {
    const { api, em } = await setup({ faultRate: 0.2, seed: 7 });
    const path = await writeManifest(`${work.dir}/faults.yaml`, "faults", generatedInputs(1000));
    const { report, manifest } = await planAndApply({ manifestPath: path, api });
    expect(report.failed).toEqual([]);
    expect(report.created.length + report.replaced.length).toBe(1000);
    expect(em.stats().faultsInjected).toBeGreaterThan(0);
    await expectAppMatches(api, manifest);
    // Editing under faults converges too.
    await writeManifest(
      path,
      "faults",
      generatedInputs(1000).map((i, n) => (n % 10 === 0 ? { ...i, concepts: ["sandal"] } : i)),
    );
    const again = await planAndApply({ manifestPath: path, api });
    expect(again.report.updated).toHaveLength(100);
    await expectAppMatches(api, again.manifest);
  });

  it("latency on every response converges", async () => {
    const { api } = await setup({ latencyMs: 40 });
    const path = await writeManifest(`${work.dir}/slow.yaml`, "slow", generatedInputs(300));
    const { report, manifest } = await planAndApply({ manifestPath: path, api, concurrency: 4 });
    expect(report.failed).toEqual([]);
    await expectAppMatches(api, manifest);
  });

  it("reports exactly the inputs that fail indexing, and plans them as recreate", async () => {
    const { api } = await setup({ failUrl: "/broken/" });
    const inputs = generatedInputs(200, {
      urlOf: (i) => `https://img.example.com/${i % 50 === 0 ? "broken" : "ok"}/${i}.jpg`,
    });
    const path = await writeManifest(`${work.dir}/failing.yaml`, "failing", inputs);
    const { report } = await planAndApply({ manifestPath: path, api });
    const expected = inputs.filter((_, i) => i % 50 === 0).map((i) => i.id);
    expect(report.failed.map((f) => f.id).sort()).toEqual(expected);
    expect(
      report.failed.every(
        (f) => f.phase === "wait" && f.code === 30002 && f.description.length > 0,
      ),
    ).toBe(true);
    expect(report.indexed).toHaveLength(196);
    const next = await planOnly(path, api);
    expect(next.changes.map((c) => `${c.action}:${c.id}`).sort()).toEqual(
      expected.map((id) => `recreate:${id}`),
    );
  });
});

describe("resuming an interrupted apply", () => {
  it("counts a create whose id already holds exactly the planned input as done", async () => {
    const { api } = await setup();
    const path = await writeManifest(`${work.dir}/resume.yaml`, "resume", generatedInputs(5));
    const manifest = await mustLoad(path);
    const stalePlan = await planOnly(path, api);
    // Another run writes the same inputs after our plan was made.
    await planAndApply({ manifestPath: path, api });
    const { applyPlan } = await import("../../src/apply/executor.js");
    const report = await applyPlan({
      plan: stalePlan,
      api,
      baseDir: work.dir,
      readFile: async () => new Uint8Array(),
      concurrency: 2,
      wait: { enabled: true, timeoutMs: 30_000 },
    });
    expect(report.failed).toEqual([]);
    expect(report.created.sort()).toEqual(
      manifest.inputs
        .toArray()
        .map((i) => i.id)
        .sort(),
    );
    await expectAppMatches(api, manifest);
  });

  it("a create whose id holds something else is reported, and the live input is left alone", async () => {
    const { api, em, app } = await setup();
    const path = await writeManifest(`${work.dir}/conflict.yaml`, "conflict", generatedInputs(2));
    const stalePlan = await planOnly(path, api);
    em.seed(app, [
      { id: "img-00001", data: { image: { url: "https://elsewhere.example.com/x.jpg" } } },
    ]);
    const { applyPlan } = await import("../../src/apply/executor.js");
    const report = await applyPlan({
      plan: stalePlan,
      api,
      baseDir: work.dir,
      readFile: async () => new Uint8Array(),
      concurrency: 2,
      wait: { enabled: false, timeoutMs: 0 },
    });
    expect(report.created).toEqual(["img-00000"]);
    expect(report.failed.map((f) => f.id)).toEqual(["img-00001"]);
    expect(report.failed[0]?.description).toMatch(/already exists with other content/);
    const live = (await liveInputs(api)).find((i) => i.id === "img-00001");
    expect(live?.data?.image?.url).toBe("https://elsewhere.example.com/x.jpg");
  });

  it("a delete batch with an id that is already gone deletes the rest", async () => {
    const { api } = await setup();
    const path = await writeManifest(`${work.dir}/gone.yaml`, "gone", generatedInputs(5));
    await planAndApply({ manifestPath: path, api });
    await writeManifest(path, "gone", generatedInputs(1));
    const plan = await planOnly(path, api, true);
    expect(plan.summary.delete).toBe(4);
    await api.deleteInputs(["img-00002"]); // someone (or an interrupted run) deleted one meanwhile
    const { applyPlan } = await import("../../src/apply/executor.js");
    const report = await applyPlan({
      plan,
      api,
      baseDir: work.dir,
      readFile: async () => new Uint8Array(),
      concurrency: 2,
      wait: { enabled: false, timeoutMs: 0 },
    });
    expect(report.failed).toEqual([]);
    expect(report.deleted.sort()).toEqual(["img-00001", "img-00002", "img-00003", "img-00004"]);
    expect((await liveInputs(api)).map((i) => i.id)).toEqual(["img-00000"]);
  });
});

describe("limits and outages", () => {
  it("closes a create batch at the byte limit as well as at 128 inputs", async () => {
    const { api, em } = await setup();
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const files = Array.from({ length: 6 }, (_, i) => {
      const bytes = Buffer.concat([png, Buffer.alloc(100_000, i)]);
      return { name: `big-${i}.png`, bytes };
    });
    for (const f of files) await writeFile(`${work.dir}/${f.name}`, f.bytes);
    const path = `${work.dir}/files.yaml`;
    await writeFile(
      path,
      `version: 1\nname: files\ninputs:\n${files.map((f, i) => `  - id: f${i}\n    file: ${f.name}\n`).join("")}`,
    );
    const plan = await planOnly(path, api);
    const report = await applyPlan({
      plan,
      api,
      baseDir: work.dir,
      readFile: (p) => readFile(p),
      concurrency: 2,
      wait: { enabled: true, timeoutMs: 30_000 },
      maxBatchBytes: 300_000,
    });
    expect(report.failed).toEqual([]);
    expect(report.indexed).toHaveLength(6);
    expect(em.stats().largestBatch.PostInputs).toBe(2);
    expect(em.stats().endpoints.PostInputs.requests).toBe(3);
    await expectAppMatches(api, await mustLoad(path));
  });

  it("a renamed id reusing a pruned input's URL waits until the API has finished deleting", async () => {
    const { api } = await setup({ deleteDelayMs: 300 });
    const path = `${work.dir}/rename.yaml`;
    await writeManifest(path, "rename", [{ id: "old-name", url: "https://x.test/same.jpg" }]);
    await planAndApply({ manifestPath: path, api });
    await writeManifest(path, "rename", [{ id: "new-name", url: "https://x.test/same.jpg" }]);
    const { report, manifest } = await planAndApply({ manifestPath: path, api, prune: true });
    expect(report).toMatchObject({ deleted: ["old-name"], created: ["new-name"], failed: [] });
    await expectAppMatches(api, manifest);
  });

  it("stops taking new work when requests keep failing, and accounts for the rest", async () => {
    const em = await startEmulator({ port: 0, db: ":memory:", faultRate: 1, seed: 1 });
    const api = createClient({
      apiBase: em.url,
      pat: "t0k3n",
      userId: "u",
      appId: "down",
      retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
    });
    open.push({ em, api });
    const path = await writeManifest(`${work.dir}/down.yaml`, "down", generatedInputs(2000));
    const manifest = await mustLoad(path);
    const plan = buildPlan({
      manifest: { path, name: "down", sha256: manifest.sha256 },
      target: { api_base: em.url, user_id: "u", app_id: "down" },
      prune: false,
      ...diffInputs({
        manifestName: "down",
        desired: manifest.inputs.toArray(),
        prune: false,
        live: [],
      }),
    });
    const report = await applyPlan({
      plan,
      api,
      baseDir: work.dir,
      readFile: (p) => readFile(p),
      concurrency: 1,
      wait: { enabled: true, timeoutMs: 10_000 },
    });
    expect(report.stopped).toEqual({
      kind: "api-failing",
      requestsInARow: 3,
      lastError: expect.stringMatching(/^POST .* failed: HTTP 5\d\d/),
    });
    expect(report.failed).toHaveLength(3 * 128);
    expect(report.notDone).toHaveLength(2000 - 3 * 128);
    expect(em.stats().endpoints.PostInputs.requests).toBe(3 * 2);
  });

  it("keeps a live geo point when it patches an adopted input", async () => {
    const { api } = await setup();
    const geo = { geo_point: { latitude: 40.7, longitude: -74 } };
    await api.postInputs([
      { id: "img-00000", data: { image: { url: "https://img.example.com/img/0.jpg" }, geo } },
    ]);
    const path = await writeManifest(`${work.dir}/geo.yaml`, "geo", generatedInputs(1));
    const { report } = await planAndApply({ manifestPath: path, api });
    expect(report.updated).toEqual(["img-00000"]);
    const live = await api.getInput("img-00000");
    expect(live?.data?.geo).toEqual(geo);
  });
});

describe("apply's progress", () => {
  it("counts each created input once, however many batches are in flight", async () => {
    const { api } = await setup({ latencyMs: 5 });
    const path = `${work.dir}/progress.yaml`;
    const inputs = Array.from({ length: 1500 }, (_, i) => ({
      id: `p${i}`,
      url: `https://img.example.com/p${i}.jpg`,
    }));
    await writeManifest(path, "progress", inputs);
    const shown: number[] = [];
    const { report } = await planAndApply({
      manifestPath: path,
      api,
      concurrency: 16,
      wait: false,
      onEvent: (event) => {
        if (event.type !== "batch.retry" && event.phase === "create" && "done" in event) {
          shown.push(event.done);
        }
      },
    });
    expect(report.created).toHaveLength(1500);
    expect(Math.max(...shown)).toBe(1500);
    expect(shown.at(-1)).toBe(1500);
  });
});
