import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextColumn } from "../../src/util/text-column.js";

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.constantFrom("", "é", "😀", "\ud800", "\udc00x", "https://img.example.com/a.jpg"),
);

describe("TextColumn", () => {
  it("gives back every text as pushed, across growth, and tells equal texts exactly", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(text, { nil: undefined }), { maxLength: 400 }),
        fc.array(text, { maxLength: 20 }),
        (texts, probes) => {
          const column = new TextColumn();
          for (const value of texts) column.push(value);
          expect(column.length).toBe(texts.length);
          texts.forEach((value, index) => {
            expect(column.at(index)).toBe(value);
            for (const probe of [...probes, value ?? ""]) {
              expect(column.equals(index, probe)).toBe(value === probe);
            }
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it("grows past its first buffer and starts again empty after clear", () => {
    const column = new TextColumn();
    const long = (i: number) => `https://img.example.com/catalog/${i}/${"é".repeat(i % 3)}.jpg`;
    for (let i = 0; i < 20_000; i++) column.push(long(i));
    expect(column.at(19_999)).toBe(long(19_999));
    expect(column.equals(12_345, long(12_345))).toBe(true);
    column.clear();
    expect(column.length).toBe(0);
    column.push("a");
    expect(column.at(0)).toBe("a");
  });
});
