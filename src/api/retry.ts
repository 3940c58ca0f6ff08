import { setTimeout as delay } from "node:timers/promises";
import { ApiError, NetworkError } from "./errors.js";
import { StatusCode } from "./types.js";

/**
 * The retry policy for transient failures: exponential backoff with full jitter, `Retry-After`
 * honoured, bounded by attempts and by total time. Clock, sleep and randomness are injected so tests
 * never wait.
 */
export interface RetryOptions {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** Backoff before the 2nd attempt is drawn from [0, baseDelayMs); it doubles per attempt. */
  baseDelayMs: number;
  /** No single backoff is longer than this (a `Retry-After` may be, within `maxElapsedMs`). */
  maxDelayMs: number;
  /** Give up rather than start a wait that would end later than this after the first attempt. */
  maxElapsedMs: number;
  /** Attempts in all when the host refuses connections or does not resolve: fail fast. */
  maxUnreachableAttempts: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1). */
  random: () => number;
  /** Milliseconds, monotonic enough for elapsed time. */
  now: () => number;
}

export const defaultRetryOptions: RetryOptions = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxElapsedMs: 5 * 60_000,
  maxUnreachableAttempts: 3,
  sleep: (ms, signal) => delay(ms, undefined, signal === undefined ? {} : { signal }),
  random: Math.random,
  now: () => performance.now(),
};

/** HTTP statuses worth another attempt. */
export function isRetryableHttpStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Clarifai status codes that mean "busy or temporarily unavailable", not "your request is wrong". */
export function isRetryableStatusCode(code: number): boolean {
  return (
    code === StatusCode.CONN_THROTTLED ||
    code === StatusCode.CONN_EXCEED_HOURLY_LIMIT ||
    code === StatusCode.TRY_AGAIN ||
    code === StatusCode.REQUEST_DISABLED_FOR_MAINTENANCE ||
    (code >= StatusCode.RPC_REQUEST_QUEUE_FULL && code <= StatusCode.RPC_REQUEST_TIMEOUT) ||
    (code >= 98000 && code <= 98999)
  );
}

/**
 * The delay a `Retry-After` header asks for, in milliseconds: delta-seconds or an HTTP date.
 * `undefined` when absent or unparsable; never negative.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowEpochMs: number,
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its month; V8's lenient Date.parse would take "-1" for a year.
  const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowEpochMs);
}

/** Full-jitter backoff before attempt `attempt + 1`, after `attempt` (1-based) failed. */
export function backoffDelayMs(
  attempt: number,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs" | "random">,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(options.random() * ceiling);
}

/**
 * What kind of failure a retry is for: the server said it is busy (`throttled`), the server failed
 * (`server`), the answer was garbled (`bad-response`), the host cannot be reached (`unreachable`:
 * refused or unresolved, retried only briefly), or the network dropped or timed out (`network`).
 */
export type RetryKind =
  | "throttled"
  | "server"
  | "bad-response"
  | "unreachable"
  | "network"
  | "other";

/** Whether and how to retry one failure. */
export interface RetryDecision {
  retry: boolean;
  kind: RetryKind;
  /** Short words for the retry event: `HTTP 429 CONN_THROTTLED (11005)`, `connection reset`. */
  reason: string;
  retryAfterMs?: number | undefined;
  /** A tighter attempt limit for this kind of failure. */
  maxAttempts?: number | undefined;
}

/** How the client's own errors are retried; anything else (an abort, a bug) is not. */
function classifyFailure(error: unknown, options: RetryOptions): RetryDecision {
  if (error instanceof ApiError) {
    const code =
      error.statusCode === undefined
        ? ""
        : ` ${error.statusName ?? "status"} (${error.statusCode})`;
    const kind: RetryKind = error.throttled
      ? "throttled"
      : error.statusCode === undefined
        ? "bad-response"
        : "server";
    return {
      retry: error.retryable,
      kind,
      reason: `HTTP ${error.httpStatus}${code}`,
      retryAfterMs: error.retryAfterMs,
    };
  }
  if (error instanceof NetworkError) {
    const unreachable = error.kind === "refused" || error.kind === "unresolved";
    return {
      retry: error.retryable,
      kind: unreachable ? "unreachable" : error.kind === "other" ? "other" : "network",
      reason: error.kind === "other" ? (error.errorCode ?? "network error") : kindWords[error.kind],
      maxAttempts: unreachable ? options.maxUnreachableAttempts : undefined,
    };
  }
  return { retry: false, kind: "other", reason: "unexpected error" };
}

const kindWords: Record<Exclude<NetworkError["kind"], "other">, string> = {
  refused: "connection refused",
  unresolved: "host name not found",
  unreachable: "host unreachable",
  reset: "connection reset",
  "connect-timeout": "connect timeout",
  "headers-timeout": "response timeout",
  "body-timeout": "body timeout",
};

/** What `withRetry` tells its caller before it waits for another attempt. */
export interface RetryNotice {
  /** The attempt that failed (1-based). */
  attempt: number;
  delayMs: number;
  reason: string;
  kind: RetryKind;
  error: unknown;
}

/**
 * Runs `operation` until it succeeds, fails for good, or the policy's bounds are reached; then
 * throws the last error. Only call it for operations that are safe to repeat. `stopRetrying`
 * aborting means no new attempt starts: a backoff wait ends at once and the last error is thrown.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: {
    retry: RetryOptions;
    signal?: AbortSignal | undefined;
    stopRetrying?: AbortSignal | undefined;
    onRetry?: ((notice: RetryNotice) => void) | undefined;
    classify?: ((error: unknown) => RetryDecision) | undefined;
  },
): Promise<T> {
  const policy = options.retry;
  const classify = options.classify ?? ((error: unknown) => classifyFailure(error, policy));
  const started = policy.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (options.signal?.aborted || options.stopRetrying?.aborted) throw error;
      const decision = classify(error);
      const limit = Math.min(policy.maxAttempts, decision.maxAttempts ?? Number.POSITIVE_INFINITY);
      if (!decision.retry || attempt >= limit) throw error;
      const waitMs = decision.retryAfterMs ?? backoffDelayMs(attempt, policy);
      if (policy.now() - started + waitMs > policy.maxElapsedMs) throw error;
      options.onRetry?.({
        attempt,
        delayMs: waitMs,
        reason: decision.reason,
        kind: decision.kind,
        error,
      });
      try {
        await policy.sleep(waitMs, eitherSignal(options.signal, options.stopRetrying));
      } catch (sleepError) {
        // The default sleep rejects when aborted: a stop means "no more attempts", not a new error.
        if (options.signal?.aborted !== true && options.stopRetrying?.aborted) throw error;
        throw sleepError;
      }
      if (options.stopRetrying?.aborted) throw error;
    }
  }
}

/** A signal that aborts when either does (`undefined` when neither is given). */
function eitherSignal(
  a: AbortSignal | undefined,
  b: AbortSignal | undefined,
): AbortSignal | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return AbortSignal.any([a, b]);
}
