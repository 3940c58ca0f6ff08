import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/emulator/clock.js";
import { FaultInjector, RollingWindowLimit } from "../../src/emulator/faults.js";
import type { EmulatorStats, RequestLogEntry } from "../../src/emulator/index.js";
import { APP, emulator, type TestEmulator, urlInput } from "./helpers.js";

async function withEmulator(
  options: Parameters<typeof emulator>[0],
  fn: (emu: TestEmulator) => Promise<void>,
) {
  const emu = await emulator(options);
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

describe("rate limit", () => {
  it("answers 429 / CONN_THROTTLED above the rate, without Retry-After (a strict server)", async () => {
    const clock = new ManualClock();
    await withEmulator({ rateLimit: 2, clock }, async (emu) => {
      const codes: string[] = [];
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await emu.get(`${APP}/inputs`));
      for (const r of results) codes.push(`${r.status}/${r.body.status.code}`);
      expect(codes).toEqual(["200/10000", "200/10000", "429/11005", "429/11005"]);
      const r = results[2]!;
      expect(r.body.status).toMatchObject({
        code: 11005,
        description: "Making too many requests",
        details: "exceeded limit of 2 requests per second",
      });
      expect(r.body.inputs).toEqual([]);
      expect(r.headers.get("retry-after")).toBeNull();
      const stats = emu.stats();
      expect(stats.throttled).toBe(2);
      expect(stats.endpoints.ListInputs.byHttpStatus["429"]).toBe(2);
      clock.advance(1000);
      expect((await emu.get(`${APP}/inputs`)).status).toBe(200);
    });
  });

  it("admits exactly RPS requests in any rolling second (injectable clock)", () => {
    const clock = new ManualClock(0);
    const limit = new RollingWindowLimit(3, () => clock.nowMs());
    // Spread over the second: t = 0, 400, 800 pass, the 4th inside the window does not.
    expect(limit.take()).toBe(true);
    clock.advance(400);
    expect(limit.take()).toBe(true);
    clock.advance(400);
    expect(limit.take()).toBe(true);
    clock.advance(199);
    expect(limit.take()).toBe(false); // t = 999: the request of t = 0 is still in the window
    clock.advance(1);
    expect(limit.take()).toBe(true); // t = 1000: it left; this one takes its place
    expect(limit.take()).toBe(false); // t = 1000: 400, 800, 1000 fill the window
    clock.advance(399);
    expect(limit.take()).toBe(false); // t = 1399
    clock.advance(1);
    expect(limit.take()).toBe(true); // t = 1400: the request of t = 400 left
  });

  it("never lets RPS + 1 requests through in any window, however they arrive", () => {
    const clock = new ManualClock(0);
    const rps = 15;
    const limit = new RollingWindowLimit(rps, () => clock.nowMs());
    const admitted: number[] = [];
    let refused = 0;
    // Arrivals every 7-50 ms (deterministic pattern), far above the rate.
    for (let i = 0; i < 2000; i++) {
      if (limit.take()) admitted.push(clock.nowMs());
      else refused++;
      clock.advance(7 + ((i * 37) % 44));
    }
    for (let i = rps; i < admitted.length; i++) {
      expect(admitted[i]! - admitted[i - rps]!).toBeGreaterThanOrEqual(1000);
    }
    expect(refused).toBeGreaterThan(0);
    // A token bucket would admit a burst of 2 × rps − 1 in some second; this admits rps at once.
    const burst = new RollingWindowLimit(rps, () => 0);
    expect(Array.from({ length: 2 * rps }, () => burst.take()).filter(Boolean)).toHaveLength(rps);
  });

  it("spreads a fractional or sub-1 rate over a longer window", () => {
    const clock = new ManualClock(0);
    const half = new RollingWindowLimit(0.5, () => clock.nowMs());
    expect(half.take()).toBe(true);
    clock.advance(1999);
    expect(half.take()).toBe(false);
    clock.advance(1);
    expect(half.take()).toBe(true);
  });
});

describe("injected faults", () => {
  const sequence = async (seed: number) => {
    const codes: string[] = [];
    await withEmulator({ faultRate: 0.3, seed }, async (emu) => {
      for (let i = 0; i < 40; i++) {
        const r = await emu.get(`${APP}/inputs/status`);
        codes.push(`${r.status}/${r.body.status.code}`);
      }
      expect(emu.stats().faultsInjected).toBe(codes.filter((c) => !c.startsWith("200")).length);
    });
    return codes;
  };

  it("fail a reproducible subset of requests with 5xx internal codes", async () => {
    const a = await sequence(42);
    const b = await sequence(42);
    expect(a).toEqual(b);
    const faults = a.filter((c) => c !== "200/10000");
    expect(faults.length).toBeGreaterThan(0);
    for (const fault of faults) expect(["500/98004", "503/40031"]).toContain(fault);
    expect(await sequence(7)).not.toEqual(a);
  });

  it("sometimes lose the reply after the write happened", async () => {
    await withEmulator({ faultRate: 1, seed: 3 }, async (emu) => {
      for (let i = 0; i < 20; i++) {
        const r = await emu.post(`${APP}/inputs`, { inputs: [urlInput(`w${i}`)] });
        expect(r.status).toBeGreaterThanOrEqual(500);
        expect(r.body.inputs).toEqual([]);
      }
      const stored = emu.stats().inputs.total;
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThan(20);
      expect(emu.stats().largestBatch.PostInputs).toBe(1);
      // The emulator's own endpoints are never faulted or counted.
      const stats = await fetch(`${emu.url}/_emulator/stats`);
      expect(stats.status).toBe(200);
      expect(((await stats.json()) as EmulatorStats).requests).toBe(20);
    });
  });

  it("draws the same decisions for the same seed", () => {
    const draw = (seed: number) => {
      const f = new FaultInjector(0.5, seed);
      return Array.from({ length: 50 }, () => f.next());
    };
    expect(draw(9)).toEqual(draw(9));
  });
});

describe("latency and the emulator endpoints", () => {
  it("still answers with added latency", async () => {
    await withEmulator({ latencyMs: 20 }, async (emu) => {
      expect((await emu.get(`${APP}/inputs`)).body.status.code).toBe(10000);
    });
  });

  it("serves stats, the request log and a reset, none of them counted", async () => {
    await withEmulator({}, async (emu) => {
      await emu.post(`${APP}/inputs`, { inputs: [urlInput("a"), urlInput("b")] });
      await emu.get(`${APP}/inputs?ids=a`);
      await emu.get(`${APP}/inputs/a`);
      await emu.get(`${APP}/nothing`);
      const stats = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as EmulatorStats;
      expect(stats.requests).toBe(4);
      expect(stats.endpoints.ListInputs.requests).toBe(1);
      expect(stats.endpoints.GetInput.byStatusCode).toEqual({ "10000": 1 });
      expect(stats.endpoints.Unknown.byHttpStatus).toEqual({ "404": 1 });
      expect(stats.largestBatch.PostInputs).toBe(2);
      expect(stats.inputs.total).toBe(2);
      const log = (await (
        await fetch(`${emu.url}/_emulator/requests`)
      ).json()) as RequestLogEntry[];
      expect(log.map((e) => e.endpoint)).toEqual([
        "PostInputs",
        "ListInputs",
        "GetInput",
        "Unknown",
      ]);
      expect(log[0]).toMatchObject({ method: "POST", httpStatus: 200, code: 10000, batch: 2 });
      expect((await fetch(`${emu.url}/_emulator/reset`, { method: "POST" })).status).toBe(200);
      expect(emu.stats().requests).toBe(0);
      expect(emu.stats().inputs.total).toBe(2);
      expect((await fetch(`${emu.url}/_emulator/nope`)).status).toBe(404);
    });
  });
});
