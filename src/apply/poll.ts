import type { InputsApi } from "../api/client-types.js";
import type { ApiInput } from "../api/types.js";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Sleeps `ms`, or less when `signal` aborts (never rejects). */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

export interface PollOptions {
  /** Give up after this long (a round in progress finishes first). */
  timeoutMs: number;
  /** Aborting stops before the next round. */
  signal: AbortSignal;
  sleep: Sleep;
  now: () => number;
  /** Pause before the first round; 0 asks at once. */
  firstDelayMs: number;
  /** The pause before the next round, given the last one. */
  nextDelayMs: (lastDelayMs: number) => number;
}

/** How a {@link pollUntil} ended. */
export type PollEnd = "settled" | "timeout" | "stopped";

/**
 * The one polling loop of apply (deletions to confirm, inputs to index): runs `round` until it
 * says everything settled, the deadline passes, or the signal aborts, pausing between rounds as
 * `nextDelayMs` says. A round treats a failed request as "nothing learned" (see {@link listByIds}),
 * so one bad answer never settles anything.
 */
export async function pollUntil(
  options: PollOptions,
  round: () => Promise<boolean>,
): Promise<PollEnd> {
  const { now, signal } = options;
  const deadline = now() + options.timeoutMs;
  let delay = options.firstDelayMs;
  for (;;) {
    if (delay > 0) await options.sleep(Math.min(delay, Math.max(0, deadline - now())), signal);
    if (signal.aborted) return "stopped";
    if (await round()) return "settled";
    if (now() >= deadline) return "timeout";
    delay = options.nextDelayMs(delay);
  }
}

/** A pause that grows by half each round, from `firstMs` up to `maxMs`. */
export function growingDelay(firstMs: number, maxMs: number): (lastMs: number) => number {
  return (last) => Math.min(Math.max(firstMs, last * 1.5), maxMs);
}

/**
 * The inputs among `ids` (at most 128) that ListInputs shows, by id; `undefined` when the request
 * failed: a failed poll proves nothing, so the caller asks again later.
 */
export async function listByIds(
  api: InputsApi,
  ids: string[],
  stopRetrying: AbortSignal,
): Promise<Map<string, ApiInput> | undefined> {
  try {
    const lives = await api.listInputsByIds(ids, { stopRetrying });
    return new Map(lives.map((live) => [live.id, live]));
  } catch {
    return undefined;
  }
}
