import { describe, expect, it } from "vitest";
import { chunk, chunkBySize } from "../../src/apply/queue.js";
import { runBounded } from "../../src/util/pool.js";

describe("runBounded", () => {
  it("never runs more than `concurrency` workers at once and keeps result order", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await runBounded([5, 1, 4, 2, 3, 0], { concurrency: 2 }, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(peak).toBe(2);
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
  });

  it("starts nothing new after the signal aborts, but lets work in flight finish", async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const results = await runBounded(
      [0, 1, 2, 3, 4],
      { concurrency: 1, signal: controller.signal },
      async (n) => {
        started.push(n);
        if (n === 1) controller.abort();
        await Promise.resolve();
        return n;
      },
    );
    expect(started).toEqual([0, 1]);
    expect(results).toEqual([0, 1, undefined, undefined, undefined]);
  });
});

describe("chunk", () => {
  it("splits into pieces of at most the size", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 128)).toEqual([]);
    expect(
      chunk(
        Array.from({ length: 257 }, (_, i) => i),
        128,
      ).map((c) => c.length),
    ).toEqual([128, 128, 1]);
  });
});

describe("chunkBySize", () => {
  it("closes a chunk at the count or the size, whichever comes first", () => {
    const sizes = [10, 10, 10, 25, 1, 1, 1, 1];
    expect(chunkBySize(sizes, 3, 30, (n) => n)).toEqual([
      [10, 10, 10],
      [25, 1, 1],
      [1, 1],
    ]);
    expect(chunkBySize(sizes, 128, 20, (n) => n)).toEqual([[10, 10], [10], [25], [1, 1, 1, 1]]);
  });

  it("gives an item larger than the limit a chunk of its own", () => {
    expect(chunkBySize([5, 100, 5], 10, 50, (n) => n)).toEqual([[5], [100], [5]]);
  });
});
