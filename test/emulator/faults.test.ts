import { describe, expect, it } from "vitest";
import { FaultInjector, TokenBucket } from "../../src/emulator/faults.js";
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
  it("answers 429 / CONN_THROTTLED with Retry-After above the rate", async () => {
    await withEmulator({ rateLimit: 2 }, async (emu) => {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await emu.get(`${APP}/inputs`));
      const throttled = results.filter((r) => r.status === 429);
      expect(throttled.length).toBeGreaterThan(0);
      const [r] = throttled;
      expect(r!.body.status).toMatchObject({
        code: 11005,
        description: "Making too many requests",
      });
      expect(r!.body.status.details).toBe("exceeded limit of 2 requests per second");
      expect(r!.body.inputs).toEqual([]);
      expect(Number(r!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      const stats = emu.stats();
      expect(stats.throttled).toBe(throttled.length);
      expect(stats.endpoints.ListInputs.byHttpStatus["429"]).toBe(throttled.length);
    });
  });

  it("refills tokens over time (token bucket with a fake clock)", () => {
    let now = 0;
    const limiter = new TokenBucket(2, () => now);
    expect(limiter.take().ok).toBe(true);
    expect(limiter.take().ok).toBe(true);
    expect(limiter.take()).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 500;
    expect(limiter.take().ok).toBe(true);
    expect(limiter.take().ok).toBe(false);
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
