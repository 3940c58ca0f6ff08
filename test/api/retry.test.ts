import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../src/api/errors.js";
import {
  backoffDelayMs,
  defaultRetryOptions,
  isRetryableStatusCode,
  parseRetryAfter,
  type RetryOptions,
  withRetry,
} from "../../src/api/retry.js";

/** A policy whose sleep advances a fake clock instead of waiting. */
function fakePolicy(overrides: Partial<RetryOptions> = {}) {
  let clock = 0;
  const sleeps: number[] = [];
  const policy: RetryOptions = {
    ...defaultRetryOptions,
    random: () => 0.5,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...overrides,
  };
  return { policy, sleeps, elapsed: () => clock };
}

const apiError = (httpStatus: number, statusCode?: number, extra: Partial<ApiError> = {}) =>
  new ApiError({
    method: "GET",
    path: "/v2/x",
    httpStatus,
    statusCode,
    retryable: httpStatus === 429 || httpStatus >= 500,
    ...extra,
  });

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter(" 0.5 ", 0)).toBe(500);
    const now = Date.parse("2025-03-04T10:00:00Z");
    expect(parseRetryAfter("Tue, 04 Mar 2025 10:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Tue, 04 Mar 2025 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(["2", "9"], 0)).toBe(2000);
  });

  it("ignores absent and garbled values", () => {
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter("", 0)).toBeUndefined();
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
    expect(parseRetryAfter("-1", 0)).toBeUndefined();
  });
});

describe("backoffDelayMs", () => {
  it("draws from [0, base·2^(n-1)) capped at maxDelayMs", () => {
    const top = { baseDelayMs: 1000, maxDelayMs: 30_000, random: () => 0.999999 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(n, top))).toEqual([
      999, 1999, 3999, 7999, 15_999, 29_999, 29_999,
    ]);
    expect(backoffDelayMs(5, { ...top, random: () => 0 })).toBe(0);
  });
});

describe("isRetryableStatusCode", () => {
  it("retries throttling, temporary and internal codes only", () => {
    for (const code of [11005, 11003, 10030, 39997, 40030, 40031, 40032, 98004, 98014]) {
      expect(isRetryableStatusCode(code), String(code)).toBe(true);
    }
    for (const code of [10000, 10020, 11008, 11101, 11102, 30100, 39999, 40010, 99009]) {
      expect(isRetryableStatusCode(code), String(code)).toBe(false);
    }
  });
});

describe("withRetry", () => {
  it("retries transient failures with growing backoff, then succeeds", async () => {
    const { policy, sleeps } = fakePolicy();
    let calls = 0;
    const notices: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 4) throw apiError(503);
        return "ok";
      },
      { retry: policy, onRetry: (n) => notices.push(n.attempt) },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(notices).toEqual([1, 2, 3]);
  });

  it("waits exactly what Retry-After asks", async () => {
    const { policy, sleeps } = fakePolicy();
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ === 0) throw apiError(429, 11005, { retryAfterMs: 7000 } as Partial<ApiError>);
        return 1;
      },
      { retry: policy },
    );
    expect(sleeps).toEqual([7000]);
  });

  it("gives up after maxAttempts and throws the last error", async () => {
    const { policy, sleeps } = fakePolicy({ maxAttempts: 3 });
    let calls = 0;
    const failure = withRetry(
      async (attempt) => {
        calls++;
        throw apiError(500, 98004, { attempt } as Partial<ApiError>);
      },
      { retry: policy },
    );
    await expect(failure).rejects.toMatchObject({ httpStatus: 500, attempts: 3 });
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it("gives up rather than wait past maxElapsedMs", async () => {
    const { policy, elapsed } = fakePolicy({ maxElapsedMs: 10_000, maxAttempts: 100 });
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw apiError(429, 11005, { retryAfterMs: 4000 } as Partial<ApiError>);
        },
        { retry: policy },
      ),
    ).rejects.toBeInstanceOf(ApiError);
    expect(calls).toBe(3);
    expect(elapsed()).toBe(8000);
  });

  it("does not retry a non-retryable failure or a foreign error", async () => {
    const { policy, sleeps } = fakePolicy();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw apiError(401, 11008);
        },
        { retry: policy },
      ),
    ).rejects.toMatchObject({ statusCode: 11008 });
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new TypeError("bug");
        },
        { retry: policy },
      ),
    ).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(2);
    expect(sleeps).toEqual([]);
  });

  it("tries a refused connection only maxUnreachableAttempts times", async () => {
    const { policy } = fakePolicy({ maxUnreachableAttempts: 3 });
    let calls = 0;
    await expect(
      withRetry(
        async (attempt) => {
          calls++;
          throw new NetworkError({
            method: "GET",
            path: "/v2/x",
            origin: "http://127.0.0.1:9",
            kind: "refused",
            attempt,
          });
        },
        { retry: policy },
      ),
    ).rejects.toThrow(
      "cannot reach http://127.0.0.1:9: connection refused (GET /v2/x, after 3 attempts)",
    );
    expect(calls).toBe(3);
  });

  it("stops when the signal aborts during the wait", async () => {
    const controller = new AbortController();
    const { policy } = fakePolicy({
      sleep: async () => {
        controller.abort(new Error("stop"));
        throw new Error("aborted sleep");
      },
    });
    await expect(
      withRetry(
        async () => {
          throw apiError(503);
        },
        { retry: policy, signal: controller.signal },
      ),
    ).rejects.toThrow("aborted sleep");
  });

  it("starts no new attempt once stopRetrying aborts, and throws the last error", async () => {
    const stop = new AbortController();
    let calls = 0;
    const { policy } = fakePolicy({
      // The default sleep rejects when its signal aborts; the error thrown is still the API's.
      sleep: async (_ms, signal) => {
        stop.abort();
        signal?.throwIfAborted();
      },
    });
    const failure = apiError(503);
    await expect(
      withRetry(
        async () => {
          calls++;
          throw failure;
        },
        { retry: policy, stopRetrying: stop.signal },
      ),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it("does not retry at all when stopRetrying is already aborted", async () => {
    const stop = new AbortController();
    stop.abort();
    const { policy, sleeps } = fakePolicy();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw apiError(429);
        },
        { retry: policy, stopRetrying: stop.signal },
      ),
    ).rejects.toBeInstanceOf(ApiError);
    expect({ calls, sleeps }).toEqual({ calls: 1, sleeps: [] });
  });

  it("tells the retry's kind from the error's fields, not its words", async () => {
    const kinds: string[] = [];
    const { policy } = fakePolicy();
    const failures = [
      apiError(429),
      apiError(503, 10020),
      apiError(502),
      new NetworkError({ method: "GET", path: "/v2/x", origin: "http://h", kind: "reset" }),
    ];
    let n = 0;
    await withRetry(
      async () => {
        const next = failures[n++];
        if (next !== undefined) throw next;
        return "ok";
      },
      { retry: policy, onRetry: (notice) => kinds.push(notice.kind) },
    );
    expect(kinds).toEqual(["throttled", "server", "bad-response", "network"]);
  });
});
