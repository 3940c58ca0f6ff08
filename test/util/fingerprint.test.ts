import { describe, expect, it } from "vitest";
import { Fingerprinter, fingerprintOf } from "../../src/util/fingerprint.js";

describe("Fingerprinter", () => {
  it("gives text fed in pieces the fingerprint of the whole", () => {
    const text = `[["cat",1]]\n{"split":"train","é":"😀"}`;
    const f = new Fingerprinter().start();
    f.add(text, 0, 5).add(text, 5, 12).addCode(text.charCodeAt(12)).add(text, 13).finish();
    expect([f.lo, f.hi]).toEqual(fingerprintOf(text));
    // Reused: start() forgets what came before.
    f.start().add("other").finish();
    expect([f.lo, f.hi]).toEqual(fingerprintOf("other"));
  });

  it("tells apart texts that differ in one code unit, in order or in length", () => {
    const texts = ["", "a", "b", "ab", "ba", "aa", "{}", "{} ", '{"a":1}', '{"a":2}', '{"a":10}'];
    const prints = new Set(texts.map((text) => fingerprintOf(text).join(",")));
    expect(prints.size).toBe(texts.length);
  });

  it("spreads both lanes: 200,000 similar texts, no lane collides often, no pair collides", () => {
    const pairs = new Set<string>();
    const los = new Set<number>();
    const his = new Set<number>();
    for (let i = 0; i < 200_000; i++) {
      const [lo, hi] = fingerprintOf(`[]\n{"sku":"SKU-${i}","price":${i % 1000}}`);
      pairs.add(`${lo},${hi}`);
      los.add(lo);
      his.add(hi);
    }
    expect(pairs.size).toBe(200_000);
    // A good 32-bit lane has about n²/2^33 ≈ 5 collisions at this size.
    expect(los.size).toBeGreaterThan(199_950);
    expect(his.size).toBeGreaterThan(199_950);
  });
});
