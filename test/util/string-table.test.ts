import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StringTable } from "../../src/util/string-table.js";

describe("StringTable", () => {
  it("finds every string at its position, across growth, and nothing else", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string(), { maxLength: 3000 }),
        fc.array(fc.string()),
        (keys, others) => {
          const table = new StringTable((position, key) => keys[position] === key);
          keys.forEach((key, position) => {
            expect(table.claim(key, position)).toBeUndefined();
          });
          expect(table.size).toBe(keys.length);
          // A key claimed again is found where it was first recorded.
          keys.forEach((key, position) => {
            expect(table.claim(key, keys.length + position)).toBe(position);
          });
          keys.forEach((key, position) => {
            expect(table.get(key)).toBe(position);
          });
          const known = new Set(keys);
          for (const other of others)
            if (!known.has(other)) expect(table.get(other)).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });
});
