import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inputKey } from "../../src/manifest/input-key.js";
import { KeyFingerprinter } from "../../src/manifest/key-fingerprint.js";

/** Small alphabets, so that equal keys written differently come up often. */
const conceptId = fc.constantFrom("a", "b", "B", "é", 'q"', "😀", "\ud800");
const concepts = fc.array(
  fc.record(
    { id: conceptId, value: fc.constantFrom<number | boolean>(0, 1, true, false, 0.5, -0) },
    { requiredKeys: ["id"] },
  ),
  { maxLength: 20 },
);
const key = fc.constantFrom("a", "b", "ab", "_dataset", "__proto__", "", "é");
const leaf = fc.constantFrom<unknown>(
  0,
  -0,
  1,
  100.0,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  "0",
  "a",
  'x"\\',
  true,
  false,
  null,
  undefined,
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 3 }),
  object: fc.array(fc.tuple(key, tie("value")), { maxLength: 4 }).map((entries) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries)
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }),
}));
const metadata = value.filter((v) => typeof v === "object" && v !== null && !Array.isArray(v));

describe("KeyFingerprinter", () => {
  it("gives two keys one fingerprint exactly when their texts are equal", () => {
    const fingerprint = new KeyFingerprinter();
    const of = (c: typeof concepts extends fc.Arbitrary<infer T> ? T : never, m: unknown) => {
      fingerprint.of(c, m as Record<string, unknown>, "_dataset");
      return `${fingerprint.lo}:${fingerprint.hi}`;
    };
    fc.assert(
      fc.property(concepts, metadata, concepts, metadata, (c1, m1, c2, m2) => {
        const sameText =
          inputKey(c1, m1 as Record<string, unknown>, "_dataset") ===
          inputKey(c2, m2 as Record<string, unknown>, "_dataset");
        expect(of(c1, m1) === of(c2, m2)).toBe(sameText);
        // The same values written in another order: reversed concepts (a repeated id may then
        // keep another value), metadata keys in reverse.
        const reversed = [...c1].reverse();
        const text = (c: typeof c1, m: unknown) =>
          inputKey(c, m as Record<string, unknown>, "_dataset");
        expect(of(reversed, m1) === of(c1, m1)).toBe(text(reversed, m1) === text(c1, m1));
        const backwards = Object.fromEntries(Object.entries(m1 as object).reverse());
        expect(text(c1, backwards)).toBe(text(c1, m1));
        expect(of(c1, backwards)).toBe(of(c1, m1));
      }),
      { numRuns: 2000 },
    );
  });

  it("takes concepts as listed only when they are in the key's order, then as the set does", () => {
    const fingerprint = new KeyFingerprinter();
    fc.assert(
      fc.property(concepts, metadata, (c, m) => {
        const listed = fingerprint.start().addConceptsAsListed(c);
        const ids = c.map((concept) => concept.id);
        const inOrder =
          ids.every((id, i) => i === 0 || (ids[i - 1] as string) < id) &&
          c.every((concept) => concept.value === undefined || typeof concept.value === "number");
        expect(listed).toBe(inOrder);
        if (!listed) return;
        fingerprint.addMetadata(m).finish();
        const asListed = [fingerprint.lo, fingerprint.hi];
        fingerprint.of(c, m);
        expect(asListed).toEqual([fingerprint.lo, fingerprint.hi]);
      }),
    );
  });

  it("tells apart what only the structure distinguishes", () => {
    const fingerprint = new KeyFingerprinter();
    const of = (m: unknown) => {
      fingerprint.of([], m);
      return `${fingerprint.lo}:${fingerprint.hi}`;
    };
    const distinct = [
      {},
      { a: {} },
      { a: [] },
      { a: [{}] },
      { a: [[]] },
      { a: "" },
      { a: null },
      { a: "null" },
      { a: 1 },
      { a: "1" },
      { abcdefgh: {} },
      { a: { b: 1 } },
      { "a.b": 1 },
      { a: [1, 2] },
      { a: [2, 1] },
    ].map(of);
    expect(new Set(distinct).size).toBe(distinct.length);
  });
});
