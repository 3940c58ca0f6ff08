import type { InputsApi } from "../api/client-types.js";
import type { ApiInput } from "../api/types.js";
import type { DesiredIndex } from "../manifest/desired-index.js";
import type { Manifest } from "../manifest/manifest.js";
import type { DesiredFeed } from "./desired-feed.js";
import { createDiffer, type Differ } from "./diff.js";
import { buildPlan } from "./plan.js";
import type { Plan, PlanTarget } from "./types.js";

/** What {@link planLiveApp} needs: the manifest, where to read the live app, and the options. */
export interface LivePlanRequest {
  manifest: Pick<Manifest, "path" | "name" | "sha256">;
  /**
   * The declared inputs: a complete index, or a feed a loader is still filling (the app is then
   * read while the manifest loads; a failed load stops the reading and is the error thrown).
   */
  desired: DesiredIndex | DesiredFeed;
  /** The live app: the API client, or anything that streams its inputs page by page. */
  api: Pick<InputsApi, "streamInputs">;
  /** Recorded in the plan (the target it was made for). */
  target: PlanTarget;
  prune: boolean;
  /**
   * Absolute directory of the root manifest: file paths in the plan are relative to it. Without
   * it, absolute paths are recorded.
   */
  manifestDir?: string;
  signal?: AbortSignal;
  /**
   * The sha256 of a live input's image bytes, for the few byte uploads that carry no recorded
   * sha256 but are declared as files (see `needsImageHash`); undefined when they cannot be read.
   * Without it such inputs plan as a replace.
   */
  hashLiveImage?: (input: ApiInput, signal?: AbortSignal) => Promise<string | undefined>;
  /** Held live inputs beyond which reading waits for the loader (default {@link MAX_HELD}). */
  maxHeld?: number;
  /**
   * The same while the loader has declared some inputs, fewer than the app has listed, i.e. is
   * behind (default {@link MAX_HELD_BEHIND}).
   */
  maxHeldBehind?: number;
}

export interface LivePlan {
  plan: Plan;
  /** Live inputs this manifest owns (its `_dataset.manifest` marker), for the mass-delete guard. */
  owned: number;
  /** StreamInputs pages read. */
  pages: number;
}

/**
 * Live inputs held back for ids the loading manifest has not declared yet, beyond which reading
 * the app waits for the loader: about 50 MB of parsed inputs, for an app that lists inputs the
 * manifest declares later or never (an app created in another order, inputs to prune).
 */
const MAX_HELD = 20_000;
/**
 * The same while the loader is behind (it has declared some inputs, fewer than the app has
 * listed): reading further ahead then gains nothing, and every held input outlives the young
 * generation, so the garbage collector copies and marks it on the way. A million-row CSV plan
 * (its loader the slower side) used ~4 s less CPU holding 2,000 than 20,000, measured. Before
 * the loader's first inputs the cap is {@link MAX_HELD}: a folder's walk takes seconds in which
 * reading is all the main thread has to do (a 100k-folder plan's main thread idled ~1.3 s).
 */
const MAX_HELD_BEHIND = 2_000;

/**
 * The planning entry point: streams the live app page by page into the pure differ, so memory
 * holds one page plus the desired index and the changes, then assembles the plan. With a feed,
 * the app is read while the manifest loads. No I/O but the injected `api`.
 */
export async function planLiveApp(request: LivePlanRequest): Promise<LivePlan> {
  const { manifest } = request;
  const feed = "done" in request.desired ? request.desired : undefined;
  const differ = createDiffer({
    manifestName: manifest.name,
    desired: feed === undefined ? (request.desired as DesiredIndex) : feed.index,
    loading: feed !== undefined,
    prune: request.prune,
    ...(request.manifestDir === undefined ? {} : { manifestDir: request.manifestDir }),
  });
  // A failed load stops the reading at once; its error wins over any error of the reading.
  const reading = new AbortController();
  const stopReading = () => reading.abort(request.signal?.reason);
  if (request.signal?.aborted === true) stopReading();
  request.signal?.addEventListener("abort", stopReading, { once: true });
  const maxHeld = request.maxHeld ?? MAX_HELD;
  const maxHeldBehind = request.maxHeldBehind ?? MAX_HELD_BEHIND;
  /** Live inputs listed so far. */
  let listed = 0;
  const mayHold = () => {
    const declared = feed?.index.size ?? listed;
    return declared > 0 && declared < listed ? maxHeldBehind : maxHeld;
  };
  feed?.done.catch(() => reading.abort());
  let pages = 0;
  let complete = feed === undefined;
  /** Matches held inputs with new declarations; once the load is done, tells the differ. */
  const catchUp = async () => {
    if (complete) return;
    await matchHeld(differ, request, reading.signal);
    if (feed?.isSettled === true && feed.failed === undefined) {
      differ.desiredComplete();
      complete = true;
    }
  };
  try {
    for await (const page of request.api.streamInputs({ signal: reading.signal })) {
      pages++;
      listed += page.length;
      for (const input of page) {
        // Synchronous unless a byte upload's image must be hashed: a page is decided in one go
        // (an `await` per input costs a microtask a million times).
        if (needsHash(differ, input, request)) {
          await observeHashing(differ, input, request, reading.signal);
        } else differ.observe(input, undefined);
      }
      await catchUp();
      while (!complete && differ.pending > mayHold() && feed?.isSettled === false) {
        await feed.changed();
        await catchUp();
      }
    }
    if (feed !== undefined) {
      // The app is read: held inputs are matched as the loader's chunks arrive, not all at the
      // end (a folder's images come in another order than the app lists them: all are held).
      while (!feed.isSettled) {
        await feed.changed();
        await catchUp();
      }
      await feed.done;
      await catchUp();
    }
  } catch (error) {
    // A stopped plan stops at once; otherwise the manifest's problems come first.
    if (feed !== undefined && request.signal?.aborted !== true) {
      await feed.done.catch(() => undefined);
      if (feed.failed !== undefined) throw feed.failed.error;
    }
    throw error;
  } finally {
    request.signal?.removeEventListener("abort", stopReading);
  }
  const { changes, summary, live, conflicts } = differ.finish();
  const plan = buildPlan({
    manifest: { path: manifest.path, name: manifest.name, sha256: manifest.sha256 },
    target: request.target,
    prune: request.prune,
    changes,
    summary,
    live,
    conflicts,
  });
  return { plan, owned: live.owned, pages };
}

/** Matches held live inputs against newly declared ids, hashing the bytes of those that need it. */
async function matchHeld(
  differ: Differ,
  request: LivePlanRequest,
  signal: AbortSignal,
): Promise<void> {
  for (const input of differ.desiredAdded()) await observeHashing(differ, input, request, signal);
}

/** Whether the differ needs the sha256 of a live input's bytes (and they can be read). */
function needsHash(differ: Differ, input: ApiInput, request: LivePlanRequest): boolean {
  return request.hashLiveImage !== undefined && differ.wantsImageHash(input);
}

/**
 * Observes a live input the differ wants the sha256 of the bytes of ({@link needsHash}, or
 * handed back by `desiredAdded`), with that sha256 when they can be read.
 */
async function observeHashing(
  differ: Differ,
  input: ApiInput,
  request: LivePlanRequest,
  signal: AbortSignal,
): Promise<void> {
  differ.observe(input, await request.hashLiveImage?.(input, signal));
}
