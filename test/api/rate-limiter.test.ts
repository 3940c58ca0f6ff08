import { describe, expect, it } from "vitest";
import { RateLimiter, type RateLimiterOptions } from "../../src/api/rate-limiter.js";

/** A limiter on a hand-moved clock; `sleep` only records how long each caller would wait. */
function fakeLimiter(options: RateLimiterOptions = {}) {
  const clock = { now: 0 };
  const waits: number[] = [];
  const throttles: number[] = [];
  const limiter = new RateLimiter({
    now: () => clock.now,
    sleep: async (ms) => {
      waits.push(ms);
    },
    onThrottle: (rps) => throttles.push(rps),
    // No room to widen the slack: a 429 lowers the rate at once (widening is tested on its own).
    maxWindowSlackMs: 25,
    ...options,
  });
  /** Acquire `n` slots at the current time; the waits each caller got, 0 for none. */
  const burst = async (n: number) => {
    const before = waits.length;
    const got: number[] = [];
    for (let i = 0; i < n; i++) {
      const mark = waits.length;
      await limiter.acquire();
      got.push(waits.length > mark ? (waits.at(-1) as number) : 0);
    }
    expect(waits.length - before).toBe(got.filter((w) => w > 0).length);
    return got;
  };
  return { limiter, clock, burst, throttles };
}

describe("RateLimiter", () => {
  it("spaces requests at the configured rate", async () => {
    const { burst, clock } = fakeLimiter({ maxRps: 10 });
    expect(await burst(5)).toEqual([0, 100, 200, 300, 400]);
    // Once the reserved slots have passed, the next request goes at once.
    clock.now = 1000;
    expect(await burst(2)).toEqual([0, 100]);
  });

  it("lets a burst through before pacing", async () => {
    const { burst } = fakeLimiter({ maxRps: 10, burst: 3 });
    expect(await burst(5)).toEqual([0, 0, 0, 100, 200]);
  });

  it("is unlimited without a cap", async () => {
    const { burst, limiter } = fakeLimiter({ maxRps: 0 });
    expect(limiter.rps).toBeUndefined();
    expect(await burst(50)).toEqual(Array(50).fill(0));
  });

  it("halves the rate on a 429, ignores the 429s already in flight, floors at minRps", async () => {
    const { limiter, clock, throttles } = fakeLimiter({ maxRps: 8 });
    limiter.onThrottled();
    limiter.onThrottled(); // same wave: ignored
    expect(limiter.rps).toBe(4);
    for (const t of [1500, 3000, 4500, 6000]) {
      clock.now = t;
      limiter.onThrottled();
    }
    expect(throttles).toEqual([4, 2, 1, 1, 1]);
    expect(limiter.rps).toBe(1);
  });

  it("paces at the lowered rate after a 429", async () => {
    const { limiter, burst, clock } = fakeLimiter({ maxRps: 10 });
    clock.now = 10_000;
    limiter.onThrottled();
    expect(await burst(3)).toEqual([0, 200, 400]);
  });

  it("recovers step by step after runs of successes, up to the cap", async () => {
    const { limiter } = fakeLimiter({ maxRps: 20, recoverAfter: 5 });
    limiter.onThrottled();
    expect(limiter.rps).toBe(10);
    const rates: Array<number | undefined> = [];
    for (let i = 0; i < 30; i++) {
      limiter.onSuccess();
      if ((i + 1) % 5 === 0) rates.push(limiter.rps);
    }
    expect(rates).toEqual([12, 14, 16, 18, 20, 20]);
  });

  it("a 429 resets the run of successes", async () => {
    const { limiter, clock } = fakeLimiter({ maxRps: 20, recoverAfter: 5 });
    limiter.onThrottled();
    for (let i = 0; i < 4; i++) limiter.onSuccess();
    clock.now = 5000;
    limiter.onThrottled();
    expect(limiter.rps).toBe(5);
    for (let i = 0; i < 4; i++) limiter.onSuccess();
    expect(limiter.rps).toBe(5);
    limiter.onSuccess();
    expect(limiter.rps).toBe(7);
  });

  it("without a cap, backs off from half the measured rate and climbs by 10% per run", async () => {
    const { limiter, clock, burst, throttles } = fakeLimiter({ recoverAfter: 1 });
    // 30 requests within the last second, then a 429.
    for (let i = 0; i < 30; i++) {
      clock.now = 1000 + i * 10;
      await limiter.acquire();
    }
    limiter.onThrottled();
    expect(throttles).toEqual([15]);
    expect(limiter.rps).toBe(15);
    clock.now = 5000;
    const waits = await burst(2);
    expect(waits[1]).toBeCloseTo(1000 / 15);
    const rates: number[] = [];
    for (let i = 0; i < 12; i++) {
      limiter.onSuccess();
      rates.push(limiter.rps as number);
    }
    expect(rates.slice(0, 3).map((r) => Math.round(r * 100) / 100)).toEqual([16.5, 18.15, 19.97]);
    expect(rates.at(-1)).toBeGreaterThan(30);
    clock.now = 9000;
    limiter.onThrottled();
    expect(limiter.rps).toBe((rates.at(-1) as number) / 2);
  });

  it("rejects when the signal is already aborted", async () => {
    const { limiter } = fakeLimiter({ maxRps: 1 });
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await expect(limiter.acquire(controller.signal)).rejects.toThrow("cancelled");
  });

  it("waits for real with the default sleep, and aborts the wait", async () => {
    const limiter = new RateLimiter({ maxRps: 0.001 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow(/abort/i);
  });

  /** The most request starts within any closed one-second window. */
  function busiestSecond(starts: number[]): number {
    const sorted = [...starts].sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; j < sorted.length; j++) {
      while ((sorted[j] as number) - (sorted[i] as number) > 1000) i++;
      most = Math.max(most, j - i + 1);
    }
    return most;
  }

  /** `n` acquires at time 0 (as concurrent callers); each starts when its wait ends, 1 ms early. */
  async function startsOf(limiter: RateLimiter, clock: { now: number }, n: number) {
    const starts: number[] = [];
    for (let i = 0; i < n; i++) {
      const before = clock.now;
      let waited = 0;
      await limiter.acquire();
      waited = lastWait.value;
      lastWait.value = 0;
      starts.push(Math.max(before, before + waited - 1));
    }
    return starts;
  }
  const lastWait = { value: 0 };

  it("never starts more than max-rps requests in any rolling second, even waking early", async () => {
    const clock = { now: 0 };
    const limiter = new RateLimiter({
      maxRps: 15,
      now: () => clock.now,
      sleep: async (ms) => {
        lastWait.value = ms;
      },
    });
    const starts = await startsOf(limiter, clock, 300);
    expect(busiestSecond(starts)).toBe(15);
    // And the cap is still used: 300 requests take 20 windows of 1,050 ms (the default slack).
    expect(Math.max(...starts)).toBeLessThan(21_100);
  });

  it("holds the rolling second after a burst, and at a lowered rate after a 429", async () => {
    const clock = { now: 0 };
    const limiter = new RateLimiter({
      maxRps: 15,
      burst: 15,
      maxWindowSlackMs: 25,
      now: () => clock.now,
      sleep: async (ms) => {
        lastWait.value = ms;
      },
    });
    const first = await startsOf(limiter, clock, 60);
    expect(first.slice(0, 15)).toEqual(Array(15).fill(0));
    expect(busiestSecond(first)).toBe(15);
    clock.now = 100_000;
    limiter.onThrottled();
    const slower = await startsOf(limiter, clock, 40);
    expect(busiestSecond(slower)).toBeLessThanOrEqual(7);
  });
  it("at the cap, a 429 first widens the rolling second's slack, then lowers the rate", async () => {
    const clock = { now: 0 };
    const throttles: number[] = [];
    const limiter = new RateLimiter({
      maxRps: 15,
      windowSlackMs: 25,
      maxWindowSlackMs: 100,
      now: () => clock.now,
      sleep: async (ms) => {
        lastWait.value = ms;
      },
      onThrottle: (rps) => throttles.push(rps),
    });
    const windowOf = async () => {
      const starts = await startsOf(limiter, clock, 16);
      // startsOf wakes each waiter 1 ms early, as timers may.
      return (starts[15] as number) - (starts[0] as number) + 1;
    };
    expect(await windowOf()).toBe(1025);
    limiter.onThrottled(); // slack 25 → 50 ms, rate kept
    clock.now += 10_000;
    expect(limiter.rps).toBe(15);
    expect(await windowOf()).toBe(1050);
    limiter.onThrottled(); // slack 50 → 100 ms (the most allowed)
    clock.now += 10_000;
    expect(await windowOf()).toBe(1100);
    expect(throttles).toEqual([]);
    limiter.onThrottled(); // no more room: the rate is halved
    expect(limiter.rps).toBe(7.5);
    expect(throttles).toEqual([7.5]);
  });
  it("counts the rolling second from when a late waiter actually started", async () => {
    const clock = { now: 0 };
    const limiter = new RateLimiter({
      maxRps: 2,
      windowSlackMs: 25,
      now: () => clock.now,
      // Every wait ends 40 ms late (a busy event loop).
      sleep: async (ms) => {
        clock.now += ms + 40;
      },
    });
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) {
      await limiter.acquire();
      starts.push(clock.now);
    }
    // 0; 500 reserved, woke at 540; 1025 after the 1st, woke at 1065; then a full second and its
    // slack after the 2nd's real start (540 + 1025), woke at 1605 — not 1525 + 40.
    expect(starts).toEqual([0, 540, 1065, 1605]);
  });
});
