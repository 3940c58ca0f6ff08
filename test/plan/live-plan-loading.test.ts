/**
 * planLiveApp with a manifest still loading (a DesiredFeed): the app is read meanwhile, reading
 * waits when too many live inputs are held back, a failed load stops the reading and its error
 * wins, and a failed read still waits for the load's verdict.
 */
import { describe, expect, it } from "vitest";
import type { ApiInput } from "../../src/api/types.js";
import { ChunkingSink, type DesiredChunk, DesiredIndex } from "../../src/manifest/desired-index.js";
import { MemoryKeyStore } from "../../src/manifest/key-store.js";
import type { DesiredInput } from "../../src/manifest/types.js";
import { DesiredFeed } from "../../src/plan/desired-feed.js";
import { planLiveApp } from "../../src/plan/live-plan.js";
import { liveInput, NAME, urlInput } from "./helpers.js";

const target = { api_base: "test", user_id: "u", app_id: "a" };
const manifest = { path: "dataset.yaml", name: NAME, sha256: "0".repeat(64) };

/** The keys of every chunk made here; each test's index reads them. */
const keys = new MemoryKeyStore();

function chunksOf(inputs: DesiredInput[], size: number): DesiredChunk[] {
  const chunks: DesiredChunk[] = [];
  const sink = new ChunkingSink(size, (chunk) => chunks.push(chunk), keys);
  for (const input of inputs) sink.add(input);
  sink.flush();
  return chunks;
}

/** An app listing `live` in pages of `perPage`, recording how many pages were taken. */
function scriptedApp(live: ApiInput[], perPage: number, fail?: Error) {
  const state = { pages: 0, aborted: false };
  return {
    state,
    api: {
      async *streamInputs(options?: { signal?: AbortSignal }) {
        for (let i = 0; i < live.length; i += perPage) {
          await new Promise((resolve) => setImmediate(resolve));
          if (options?.signal?.aborted === true) {
            state.aborted = true;
            throw new Error("aborted");
          }
          state.pages++;
          yield live.slice(i, i + perPage);
        }
        if (fail !== undefined) throw fail;
      },
    },
  };
}

const ids = Array.from({ length: 40 }, (_, i) => `in-${String(i).padStart(2, "0")}`);
const declared = ids.map((id) => urlInput(id, { concepts: ["cat"] }));
const listed = ids.map((id) => liveInput(id, { concepts: [{ id: "cat" }] }));

/** A plan of an app listing `live` in pages of 5, its manifest fed by the test, with held caps. */
function planWithCaps(live: ApiInput[], caps: { maxHeld: number; maxHeldBehind: number }) {
  const feed = new DesiredFeed(new DesiredIndex(keys));
  const app = scriptedApp(live, 5);
  const planning = planLiveApp({
    manifest,
    desired: feed,
    api: app.api,
    target,
    prune: false,
    ...caps,
  });
  return { feed, app, planning };
}

describe("planLiveApp while the manifest loads", () => {
  it("waits for a loader that is behind when more live inputs than allowed are held back", async () => {
    const { feed, app, planning } = planWithCaps(listed, { maxHeld: 1000, maxHeldBehind: 10 });
    const pagesAsLoaded: number[] = [];
    for (const chunk of chunksOf(declared, 8)) {
      feed.append(chunk);
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      pagesAsLoaded.push(app.state.pages);
    }
    feed.complete();
    const { plan } = await planning;
    // 8 declared, the loader behind: reading stopped once more than 10 were held past them
    // (19 listed, 4 pages of 5); each chunk of 8 lets it read on.
    expect(pagesAsLoaded.slice(0, 3)).toEqual([4, 6, 7]);
    expect(app.state.pages).toBe(8);
    expect(plan.summary).toMatchObject({ unchanged: 40, create: 0, unmanaged: 0 });
  });

  it("reads up to the larger cap before the loader has declared anything (a folder's walk)", async () => {
    const { feed, app, planning } = planWithCaps(listed, { maxHeld: 22, maxHeldBehind: 10 });
    for (let i = 0; i < 40; i++) await new Promise((resolve) => setImmediate(resolve));
    // Nothing declared: reading went past 10 held and stopped past 22 (5 pages of 5).
    expect(app.state.pages).toBe(5);
    for (const chunk of chunksOf(declared, 40)) feed.append(chunk);
    feed.complete();
    const { plan } = await planning;
    expect(app.state.pages).toBe(8);
    expect(plan.summary).toMatchObject({ unchanged: 40, create: 0, unmanaged: 0 });
  });

  it("holds more before waiting while the loader is not behind (inputs it never declares)", async () => {
    const strays = Array.from({ length: 30 }, (_, i) => liveInput(`stray-${i}`, { marker: null }));
    const { feed, app, planning } = planWithCaps([...strays, ...listed], {
      maxHeld: 20,
      maxHeldBehind: 4,
    });
    // Everything declared at once, the load not complete yet: the loader is ahead of the app.
    for (const chunk of chunksOf(declared, 40)) feed.append(chunk);
    for (let i = 0; i < 40; i++) await new Promise((resolve) => setImmediate(resolve));
    // The 30 strays stay held: reading went past 4 of them and stopped past 20 (5 pages of 5).
    expect(app.state.pages).toBe(5);
    feed.complete();
    const { plan } = await planning;
    expect(app.state.pages).toBe(14);
    expect(plan.summary).toMatchObject({ unchanged: 40, unmanaged: 30 });
  });

  it("gives the same plan as against the complete manifest, changes included", async () => {
    const changed = [...listed];
    changed[3] = liveInput("in-03", { concepts: [{ id: "dog" }] });
    changed.push(liveInput("stray", { marker: null }));
    const feed = new DesiredFeed(new DesiredIndex(keys));
    const planning = planLiveApp({
      manifest,
      desired: feed,
      api: scriptedApp(changed, 7).api,
      target,
      prune: false,
    });
    for (const chunk of chunksOf(declared.slice(0, 39), 6)) {
      await new Promise((resolve) => setImmediate(resolve));
      feed.append(chunk);
    }
    feed.complete();
    const whole = await planLiveApp({
      manifest,
      desired: DesiredIndex.of(declared.slice(0, 39)),
      api: scriptedApp(changed, 7).api,
      target,
      prune: false,
    });
    const { plan } = await planning;
    expect(plan).toEqual(whole.plan);
    expect(plan.summary).toMatchObject({ update: 1, unchanged: 38, unmanaged: 1 });
    expect(plan.live).toMatchObject({ prunable: 1 });
  });

  it("stops reading when the load fails, and throws the load's error", async () => {
    const feed = new DesiredFeed(new DesiredIndex(keys));
    const app = scriptedApp(listed, 1);
    const planning = planLiveApp({ manifest, desired: feed, api: app.api, target, prune: false });
    await new Promise((resolve) => setImmediate(resolve));
    const problems = new Error("3 problems in dataset.yaml");
    feed.fail(problems);
    await expect(planning).rejects.toBe(problems);
    expect(app.state.aborted).toBe(true);
    expect(app.state.pages).toBeLessThan(40);
  });

  it("when reading fails first, waits for the load: its error wins if it failed too", async () => {
    const readFailure = new Error("HTTP 401");
    const failing = new DesiredFeed(new DesiredIndex(keys));
    const planning = planLiveApp({
      manifest,
      desired: failing,
      api: scriptedApp([], 5, readFailure).api,
      target,
      prune: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const problems = new Error("1 problem in dataset.yaml");
    failing.fail(problems);
    await expect(planning).rejects.toBe(problems);

    const fine = new DesiredFeed(new DesiredIndex(keys));
    const planningFine = planLiveApp({
      manifest,
      desired: fine,
      api: scriptedApp([], 5, readFailure).api,
      target,
      prune: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    fine.complete();
    await expect(planningFine).rejects.toBe(readFailure);
  });
});
