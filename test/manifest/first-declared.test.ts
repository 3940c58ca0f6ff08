import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeclaredIds, DeclaredUrls } from "../../src/manifest/first-declared.js";

/** What a Map of strings answers: the first ordinal of each value, undefined for the first. */
function firstOrdinals(values: readonly (string | undefined)[]): (number | undefined)[] {
  const first = new Map<string, number>();
  return values.map((value, ordinal) => {
    if (value === undefined) return undefined;
    const seen = first.get(value);
    if (seen === undefined) first.set(value, ordinal);
    return seen;
  });
}

const text = fc.oneof(
  fc.constantFrom("a", "b", "é", "😀", "\ud800", "https://x/1.jpg", ""),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 4 }),
);

describe("DeclaredIds", () => {
  it("finds each string id's first declaration, as a Map would, and shows every id", () => {
    fc.assert(
      fc.property(fc.array(fc.option(text, { nil: undefined }), { maxLength: 60 }), (ids) => {
        const declared = new DeclaredIds();
        const firsts = ids.map((id) => declared.declare(id));
        expect(firsts).toEqual(firstOrdinals(ids));
        ids.forEach((id, ordinal) => {
          expect(declared.shownAt(ordinal)).toBe(id);
        });
      }),
    );
  });

  it("grows past its first buffer and table, and still finds every duplicate", () => {
    const declared = new DeclaredIds();
    const n = 50_000;
    for (let i = 0; i < n; i++)
      expect(declared.declare(`input-${i}-${"x".repeat(i % 40)}`)).toBe(undefined);
    for (let i = 0; i < n; i += 997) {
      expect(declared.declare(`input-${i}-${"x".repeat(i % 40)}`)).toBe(i);
    }
    expect(declared.shownAt(n - 1)).toBe(`input-${n - 1}-${"x".repeat((n - 1) % 40)}`);
  });

  it("shows ids that are not strings but never takes them for duplicates", () => {
    const declared = new DeclaredIds();
    expect(declared.declare(5)).toBe(undefined);
    expect(declared.declare(5)).toBe(undefined);
    expect(declared.declare("5")).toBe(undefined);
    expect(declared.declare("5")).toBe(2);
    expect(declared.shownAt(0)).toBe("5");
    expect(declared.declare(null)).toBe(undefined);
    expect(declared.shownAt(4)).toBe("null");
  });
});

describe("DeclaredUrls", () => {
  it("finds each URL's first declaration, as a Map would", () => {
    fc.assert(
      fc.property(fc.array(fc.option(text, { nil: undefined }), { maxLength: 60 }), (urls) => {
        const declared = new DeclaredUrls();
        expect(urls.map((url) => declared.declare(url))).toEqual(firstOrdinals(urls));
      }),
    );
  });

  it("tells apart a hundred thousand URLs that differ in one character", () => {
    const declared = new DeclaredUrls();
    const urls = Array.from({ length: 100_000 }, (_, i) => `https://images.example/${i}.jpg`);
    for (const url of urls) expect(declared.declare(url)).toBe(undefined);
    expect(declared.declare(urls[77_777])).toBe(77_777);
    expect(declared.declare("https://images.example/77777.jpeg")).toBe(undefined);
  });
});
