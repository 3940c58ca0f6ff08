import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, jsonEqual, userMetadata } from "../../src/plan/canonical.js";

/** Shuffles object keys at every depth: the same JSON, written in another order. */
function reordered(value: unknown, seed: number): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v, i) => reordered(v, seed + i));
  const entries = Object.entries(value as Record<string, unknown>);
  if (seed % 2 === 1) entries.reverse();
  return Object.fromEntries(entries.map(([k, v], i) => [k, reordered(v, seed + i + 1)]));
}

describe("jsonEqual", () => {
  it("decides exactly as comparing canonical JSON texts does", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(jsonEqual(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 500 },
    );
  });

  it("ignores key order at every depth", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (a, seed) => {
        expect(jsonEqual(a, reordered(a, seed))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("skips the reserved key at the top level only, as userMetadata does", () => {
    const live = { _dataset: { manifest: "m" }, a: 1, nested: { _dataset: 1 } };
    expect(jsonEqual(live, { a: 1, nested: { _dataset: 1 } }, "_dataset")).toBe(true);
    expect(jsonEqual(live, { a: 1, nested: {} }, "_dataset")).toBe(false);
    expect(canonicalJson(userMetadata(live))).toBe(
      canonicalJson({ a: 1, nested: { _dataset: 1 } }),
    );
    expect(jsonEqual({ size: 100 }, { size: 100.0 })).toBe(true);
    expect(jsonEqual({ list: [1, 2] }, { list: [2, 1] })).toBe(false);
  });
});
