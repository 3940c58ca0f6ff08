import type { InputsApi } from "../api/client-types.js";
import type { InputCounts } from "../api/types.js";
import { runBounded } from "../util/pool.js";
import { growingDelay, listByIds, pollUntil, type Sleep } from "./poll.js";
import { chunk } from "./queue.js";
import { describeStatus, indexState } from "./status-codes.js";

export interface WaitOptions {
  api: InputsApi;
  /** Ids still pending or in progress. Only these are ever listed. */
  ids: string[];
  /** Ids already known to be indexed (counted in progress, never polled). */
  alreadyDone?: string[];
  /**
   * The app's input counts read just before the writes. With them, GetInputCount is the gate:
   * one request tells whether everything written has settled. Without them, ids are listed.
   */
  countsBefore?: InputCounts | undefined;
  concurrency: number;
  timeoutMs: number;
  signal: AbortSignal;
  sleep: Sleep;
  now: () => number;
  /** Indexed and failed so far (an estimate while counts are the gate), for the display. */
  onProgress?: (indexed: number, failed: number) => void;
  /** Called once per request made. */
  onRequest?: () => void;
}

export interface WaitResult {
  indexed: string[];
  failed: { id: string; code?: number | undefined; description: string }[];
  /** Not yet seen settled when waiting stopped (timeout or interrupt). */
  pending: string[];
  /** Polling rounds made. */
  rounds: number;
}

/** Unsettled inputs in a count: waiting to be processed or being processed. */
function unsettledOf(counts: InputCounts): number {
  return counts.to_process + counts.processing;
}

function totalOf(counts: InputCounts): number {
  return counts.processed + counts.errors + unsettledOf(counts);
}

/**
 * Waits until each written input has finished indexing (INPUT_SUCCESS) or failed, spending as few
 * requests as the API allows:
 *
 * - While the counts can be trusted, each round is one GetInputCount. The writes are settled and
 *   all succeeded when nothing in the app is unsettled, no error was added, and the totals are the
 *   counts before plus what was written (so no other writer moved them). Until then, the unsettled
 *   count says roughly how many of ours are left, for the display and for pacing.
 * - When counts show a failure, or do not add up (another writer, a purge of a deleted input), it
 *   lists only the ids not yet seen settled, 128 per request, batch by batch, and stops a round at
 *   the first batch where nothing settled (later batches were written later).
 *
 * Rounds are paced by how fast inputs settle: the next poll is due when the unsettled ones should
 * be done at the rate seen (once settling was already under way at the round before), between
 * 250 ms and 5 s; until then the pause grows by half from 250 ms.
 */
export async function waitForIndexing(options: WaitOptions): Promise<WaitResult> {
  const { api, signal } = options;
  const indexed = [...(options.alreadyDone ?? [])];
  const failed: WaitResult["failed"] = [];
  const written = options.ids.length + indexed.length;
  /** Ours that were still unsettled when the wait began. */
  const waitingFor = options.ids.length;
  let pending = options.ids;
  let rounds = 0;
  const missing = new Map<string, number>();
  let countsTrusted = options.countsBefore !== undefined;
  let last: { at: number; unsettled: number } | undefined;
  let paceMs: number | undefined;
  const grow = growingDelay(250, 5000);
  const show = (estimatedIndexed = indexed.length) =>
    options.onProgress?.(estimatedIndexed, failed.length);

  const countRound = async (before: InputCounts): Promise<"settled" | "waiting" | "list"> => {
    let counts: InputCounts;
    try {
      options.onRequest?.();
      counts = await api.getInputCount({ stopRetrying: signal });
    } catch {
      return "waiting"; // a failed poll proves nothing
    }
    const unsettled = unsettledOf(counts);
    const addsUp = totalOf(counts) === totalOf(before) + written;
    if (!addsUp || counts.errors > before.errors) return "list";
    if (unsettled === 0) {
      if (counts.processed !== before.processed + unsettledOf(before) + written) return "list";
      indexed.push(...pending);
      pending = [];
      return "settled";
    }
    // Pace: when should the unsettled ones be done, at the rate they are settling? Only once the
    // previous round already saw some of ours settled: a rate measured across the moment settling
    // began understates it (measured: 116 settled in 287 ms while they settle at 15 × 128/s, so the
    // next poll came 950 ms later instead of ~400), and the rounds grow from 250 ms meanwhile.
    const now = options.now();
    const settlingBefore = last !== undefined && last.unsettled < unsettledOf(before) + waitingFor;
    if (last !== undefined && settlingBefore && last.unsettled > unsettled && now > last.at) {
      const perMs = (last.unsettled - unsettled) / (now - last.at);
      paceMs = Math.min(5000, Math.max(250, unsettled / perMs));
    } else {
      paceMs = undefined;
    }
    last = { at: now, unsettled };
    show(indexed.length + Math.max(0, pending.length - Math.min(pending.length, unsettled)));
    return "waiting";
  };

  const listRound = async (): Promise<boolean> => {
    // Batches are listed in the order they were written. The first batch in which nothing has
    // settled ends the round: the ones after it were written later and are even less likely done.
    const stopRound = new AbortController();
    const batches = chunk(pending, 128);
    const unsettled = await runBounded(
      batches,
      { concurrency: options.concurrency, signal: AbortSignal.any([stopRound.signal, signal]) },
      async (ids) => {
        options.onRequest?.();
        const lives = await listByIds(api, ids, signal);
        if (lives === undefined) return ids;
        const waiting: string[] = [];
        for (const id of ids) {
          const live = lives.get(id);
          if (live === undefined) {
            // Give a listing that lags behind the write a couple of rounds before calling it gone.
            const misses = (missing.get(id) ?? 0) + 1;
            missing.set(id, misses);
            if (misses >= 3) failed.push({ id, description: "the input is no longer in the app" });
            else waiting.push(id);
            continue;
          }
          const state = indexState(live.status);
          if (state === "done") indexed.push(id);
          else if (state === "failed")
            failed.push({ id, code: live.status?.code, description: describeStatus(live.status) });
          else waiting.push(id);
        }
        show();
        if (waiting.length === ids.length) stopRound.abort();
        return waiting;
      },
    );
    pending = unsettled.flatMap((waiting, i) => waiting ?? batches[i] ?? []);
    return pending.length === 0;
  };

  show();
  const end = await pollUntil(
    {
      timeoutMs: options.timeoutMs,
      signal,
      sleep: options.sleep,
      now: options.now,
      firstDelayMs: 0,
      nextDelayMs: (lastMs) => paceMs ?? grow(lastMs),
    },
    async () => {
      rounds++;
      if (countsTrusted && options.countsBefore !== undefined) {
        const verdict = await countRound(options.countsBefore);
        if (verdict !== "list") return verdict === "settled";
        countsTrusted = false;
        paceMs = undefined;
      }
      return listRound();
    },
  );
  // Out of time while counts were the gate: learn which ones are left, once, to name them.
  if (end === "timeout" && countsTrusted && pending.length > 0) await listRound();
  show();
  return { indexed, failed, pending, rounds };
}
