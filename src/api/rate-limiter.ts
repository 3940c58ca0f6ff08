import { setTimeout as delay } from "node:timers/promises";

/** Settings of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** The configured cap in requests per second (`--max-rps`); `undefined` or 0 = no cap. */
  maxRps?: number | undefined;
  /** Requests that may start back to back before pacing applies. Default 1: strict spacing. */
  burst?: number;
  /** The rate never drops below this while throttled. Default 1. */
  minRps?: number;
  /** Successes in a row (with no throttling) before the rate is raised one step. Default 10. */
  recoverAfter?: number;
  /** After lowering the rate, ignore further 429s for this long: they were already in flight. */
  throttleCooldownMs?: number;
  /**
   * Slack added to the rolling second, in ms (default 50): a strict server counts requests by when
   * they reach it, so timer wake-ups, a busy event loop between our start and the bytes on the
   * wire, or network jitter must not let `rate + 1` requests land within one of its seconds. (25
   * was measured too little on a loaded machine: the first request after planning reached the
   * emulator up to ~70 ms after its start; docs/benchmarks.md.)
   */
  windowSlackMs?: number;
  /**
   * The slack may grow up to this (default 200 ms): at the cap, a 429 first doubles the slack — the
   * server saw our requests closer together than we started them (timers, network or a busy server
   * on the way) — and only a 429 with the slack already this wide lowers the rate.
   */
  maxWindowSlackMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called when throttling lowers the rate, with the new rate. */
  onThrottle?: (rps: number) => void;
}

/**
 * The client-side request-rate cap shared by every request of one client: a token bucket (in GCRA
 * form — each `acquire` reserves the next free slot, so waiters are served in order), plus a
 * rolling window: never more than `rate` request starts within any second (and its slack), which
 * is what a strict server counts and refuses with 429 and no Retry-After.
 *
 * Adaptive: at the cap, a 429 first widens the rolling second's slack (doubling it, up to
 * `maxWindowSlackMs`), since a strict server's window sees our requests through jitter; then a 429
 * halves the rate (not below `minRps`); after `recoverAfter` successes in a row it
 * rises by a tenth of the cap at a time, back up to the cap. With no cap the limiter lets everything
 * through until the first 429, then paces from half the rate it measured over the last second and
 * climbs by 10% per run of successes, with no ceiling.
 */
export class RateLimiter {
  readonly #burst: number;
  readonly #minRps: number;
  readonly #recoverAfter: number;
  readonly #cooldownMs: number;
  #slackMs: number;
  readonly #maxSlackMs: number;
  /**
   * Start times of the last requests (at most the current rate's count): reserved, then moved to
   * when the caller actually woke, if later — a late wake-up must not shrink the next window.
   */
  #starts: { at: number }[] = [];
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #onThrottle: ((rps: number) => void) | undefined;
  /** The configured cap; `undefined` = none. */
  readonly #cap: number | undefined;
  /** The current rate; `undefined` = unlimited. */
  #rate: number | undefined;
  /** GCRA's theoretical arrival time of the next request. */
  #tat = Number.NEGATIVE_INFINITY;
  #successes = 0;
  #lastThrottleAt = Number.NEGATIVE_INFINITY;
  /** Start times of the last second's requests, kept only while unlimited, to measure the rate. */
  #recent: number[] = [];

  constructor(options: RateLimiterOptions = {}) {
    const cap = options.maxRps !== undefined && options.maxRps > 0 ? options.maxRps : undefined;
    this.#cap = cap;
    this.#rate = cap;
    this.#burst = Math.max(1, options.burst ?? 1);
    this.#minRps = Math.max(Number.MIN_VALUE, options.minRps ?? 1);
    this.#recoverAfter = Math.max(1, options.recoverAfter ?? 10);
    this.#cooldownMs = options.throttleCooldownMs ?? 1000;
    this.#slackMs = Math.max(0, options.windowSlackMs ?? 50);
    this.#maxSlackMs = Math.max(this.#slackMs, options.maxWindowSlackMs ?? 200);
    this.#now = options.now ?? (() => performance.now());
    this.#sleep =
      options.sleep ??
      ((ms, signal) => delay(ms, undefined, signal === undefined ? {} : { signal }));
    this.#onThrottle = options.onThrottle;
  }

  /** The current rate in requests per second; `undefined` when unlimited. */
  get rps(): number | undefined {
    return this.#rate;
  }

  /** Waits for the next free slot. Rejects when `signal` aborts while waiting. */
  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const now = this.#now();
    if (this.#rate === undefined) {
      this.#record(now);
      return;
    }
    const interval = 1000 / this.#rate;
    const perWindow = Math.max(1, Math.floor(this.#rate));
    // The request `perWindow` starts back must be a whole window (and its slack) before this one.
    const windowStart = this.#starts.at(-perWindow)?.at;
    const windowAt = windowStart === undefined ? now : windowStart + 1000 + this.#slackMs;
    const at = Math.max(now, this.#tat - (this.#burst - 1) * interval, windowAt);
    this.#tat = Math.max(this.#tat, now, windowAt) + interval;
    const start = { at };
    this.#starts.push(start);
    if (this.#starts.length > perWindow) this.#starts.splice(0, this.#starts.length - perWindow);
    if (at > now) {
      await this.#sleep(at - now, signal);
      start.at = Math.max(at, this.#now());
    }
  }

  /** Report an answer that was not throttled. */
  onSuccess(): void {
    if (this.#rate === undefined) return;
    if (++this.#successes < this.#recoverAfter) return;
    this.#successes = 0;
    // Additive steps of a tenth of the cap; with no cap, 10% of the current rate, unbounded.
    const step = Math.max(1, (this.#cap ?? this.#rate) / 10);
    this.#rate = Math.min(this.#cap ?? Number.POSITIVE_INFINITY, this.#rate + step);
  }

  /** Report an HTTP 429 / CONN_THROTTLED answer. */
  onThrottled(): void {
    this.#successes = 0;
    const now = this.#now();
    if (now - this.#lastThrottleAt < this.#cooldownMs) return;
    this.#lastThrottleAt = now;
    if (this.#rate !== undefined && this.#rate === this.#cap && this.#slackMs < this.#maxSlackMs) {
      // At the cap with the rolling second kept, so jitter on the way packed our requests closer
      // together than we started them: widen the slack first (a few percent of the rate), and keep
      // the rate. The retry itself is reported as a retry; the rate did not change.
      this.#slackMs = Math.min(this.#maxSlackMs, Math.max(25, this.#slackMs * 2));
      return;
    }
    const current = this.#rate ?? this.#measured(now);
    this.#recent = [];
    const next = Math.max(this.#minRps, current / 2);
    this.#rate = next;
    // Waiters already holding later slots keep them; the next reservation starts from now.
    this.#tat = Math.max(this.#tat, now);
    this.#onThrottle?.(next);
  }

  #record(now: number): void {
    this.#recent.push(now);
    if (this.#recent.length > 4096 || (this.#recent[0] ?? now) < now - 1000) {
      this.#recent = this.#recent.filter((t) => t >= now - 1000);
    }
  }

  #measured(now: number): number {
    return this.#recent.filter((t) => t >= now - 1000).length;
  }
}
