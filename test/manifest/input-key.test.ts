import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalText,
  conceptsPart,
  inputKey,
  parseInputKey,
} from "../../src/manifest/input-key.js";
import { jsonEqual } from "../../src/plan/canonical.js";
import { sameConcepts } from "../../src/plan/compare.js";

const conceptList = fc.uniqueArray(
  fc.record({ id: fc.string({ minLength: 1, maxLength: 6 }), value: fc.constantFrom(0, 1) }),
  { selector: (c) => c.id, maxLength: 5 },
);
const metadata = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }));

describe("inputKey", () => {
  it("is equal exactly when the planner's set and JSON comparisons say equal", () => {
    fc.assert(
      fc.property(conceptList, conceptList, metadata, metadata, (c1, c2, m1, m2) => {
        const same = sameConcepts(c1, c2) && jsonEqual(m1, m2, "_dataset");
        expect(inputKey(c1, m1, "_dataset") === inputKey(c2, m2, "_dataset")).toBe(same);
      }),
      { numRuns: 500 },
    );
  });

  it("ignores concept order, key order and the skipped key; keeps array order", () => {
    const a = inputKey(
      [
        { id: "cat", value: 1 },
        { id: "dog", value: 0 },
      ],
      { b: [1, 2], a: { y: 1, x: 2 }, _dataset: { manifest: "m" } },
      "_dataset",
    );
    const b = inputKey(
      [
        { id: "dog", value: 0 },
        { id: "cat", value: 1 },
      ],
      { a: { x: 2, y: 1 }, b: [1, 2] },
    );
    expect(a).toBe(b);
    expect(inputKey([], { b: [2, 1] })).not.toBe(inputKey([], { b: [1, 2] }));
  });

  it("reads a live concept without a value as 1 and booleans as 1 and 0", () => {
    expect(inputKey([{ id: "cat" }, { id: "dog", value: false }], {})).toBe(
      inputKey(
        [
          { id: "cat", value: 1 },
          { id: "dog", value: 0 },
        ],
        {},
      ),
    );
  });

  it("parses back into concepts sorted by id and the same metadata", () => {
    fc.assert(
      fc.property(conceptList, metadata, (concepts, meta) => {
        const parsed = parseInputKey(inputKey(concepts, meta));
        const byId = [...concepts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        expect(parsed.concepts).toEqual(byId);
        expect(jsonEqual(parsed.metadata, meta)).toBe(true);
        expect(inputKey(parsed.concepts, parsed.metadata)).toBe(inputKey(concepts, meta));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a __proto__ key as data", () => {
    const meta = JSON.parse('{"__proto__":{"x":1},"a":1}') as Record<string, unknown>;
    const parsed = parseInputKey(inputKey([], meta)).metadata;
    expect(Object.keys(parsed)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it("writes JSON as JSON.stringify does for the values it shares", () => {
    expect(canonicalText({ b: undefined, a: [undefined, Number.NaN, -0, 1e21, "é\n"] })).toBe(
      JSON.stringify({ a: [null, null, 0, 1e21, "é\n"] }),
    );
  });

  it("sorts keys and concept ids by code unit, few or many", () => {
    const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 4, unit: "binary" }), { maxLength: 40 }),
        (names) => {
          const sorted = [...names].sort(byCodeUnit);
          const record = Object.fromEntries(names.map((name) => [name, 1]));
          expect(Object.keys(JSON.parse(canonicalText(record)) as object)).toEqual(
            Object.keys(Object.fromEntries(sorted.map((name) => [name, 1]))),
          );
          const concepts = names.filter((name) => name !== "").map((id) => ({ id, value: 1 }));
          expect(parseInputKey(inputKey(concepts, {})).concepts.map((c) => c.id)).toEqual(
            sorted.filter((name) => name !== ""),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps of a repeated concept id the last listed value, few or many concepts", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ id: fc.constantFrom("a", "b", "c", "é", "B"), value: fc.constantFrom(0, 1) }),
          { maxLength: 40 },
        ),
        (concepts) => {
          const last = new Map<string, number>();
          for (const { id, value } of concepts) last.set(id, value);
          const expected = [...last].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
          expect(conceptsPart(inputKey(concepts, {}))).toBe(JSON.stringify(expected));
        },
      ),
    );
  });
});
