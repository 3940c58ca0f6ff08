import type { InputsApi } from "../api/client-types.js";
import { chunk, runBounded } from "./queue.js";
import { describeStatus, indexState } from "./status-codes.js";
import type { ApplyEvent } from "./types.js";

export interface WaitOptions {
  api: InputsApi;
  /** Ids still pending or in progress. Only these are polled. */
  ids: string[];
  /** Ids already known to be indexed (counted in progress, never polled). */
  alreadyDone?: string[];
  concurrency: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  onEvent?: (event: ApplyEvent) => void;
  /** First pause before polling and the cap of the growing pause between rounds. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export interface WaitResult {
  indexed: string[];
  failed: { id: string; code?: number | undefined; description: string }[];
  /** Still pending when waiting stopped (timeout or interrupt). */
  pending: string[];
  requests: number;
  /** Polling rounds made (each polls every pending id once, 128 per request). */
  rounds: number;
}

/**
 * Polls only the given ids, at most 128 per ListInputs request, with a growing pause between
 * rounds, until each has finished indexing (INPUT_SUCCESS) or failed, or the time is up.
 * One ListInputs per 128 ids costs a fraction of one GetInput per id.
 */
export async function waitForIndexing(options: WaitOptions): Promise<WaitResult> {
  const { api, now, sleep, signal } = options;
  const indexed = [...(options.alreadyDone ?? [])];
  const failed: WaitResult["failed"] = [];
  const total = options.ids.length + indexed.length;
  let pending = options.ids;
  let requests = 0;
  let rounds = 0;
  const missing = new Map<string, number>();
  let delay = options.firstDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 10_000;
  const deadline = now() + options.timeoutMs;
  const progress = (type: "phase.progress" | "phase.end") =>
    options.onEvent?.({ type, phase: "wait", done: indexed.length, failed: failed.length, total });

  options.onEvent?.({ type: "phase.start", phase: "wait", total });
  while (pending.length > 0 && !signal?.aborted && now() < deadline) {
    await sleep(Math.min(delay, Math.max(0, deadline - now())), signal);
    if (signal?.aborted) break;
    delay = Math.min(delay * 1.5, maxDelay);
    rounds++;
    // Batches are polled in the order they were written. The first batch in which nothing has
    // settled ends the round: the ones after it were written later and are even less likely done,
    // so asking for them now would only spend requests (they are polled next round).
    const stopRound = new AbortController();
    const batches = chunk(pending, 128);
    const unsettled = await runBounded(
      batches,
      { concurrency: options.concurrency, signal: stopRound.signal },
      async (ids) => {
        let lives: Awaited<ReturnType<InputsApi["listInputsByIds"]>>;
        try {
          requests++;
          lives = await api.listInputsByIds(ids);
        } catch {
          return ids; // a failed poll proves nothing; ask again next round
        }
        const byId = new Map(lives.map((live) => [live.id, live]));
        const waiting: string[] = [];
        for (const id of ids) {
          const live = byId.get(id);
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
        if (waiting.length === ids.length) stopRound.abort();
        return waiting;
      },
    );
    pending = unsettled.flatMap((waiting, i) => waiting ?? batches[i] ?? []);
    progress("phase.progress");
  }
  progress("phase.end");
  return { indexed, failed, pending, requests, rounds };
}
