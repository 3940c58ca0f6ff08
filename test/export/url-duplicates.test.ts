import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UrlDuplicates } from "../../src/export/url-duplicates.js";

describe("UrlDuplicates", () => {
  it("marks exactly the URLs recorded more than once", () => {
    const urls = new UrlDuplicates();
    for (const url of ["https://a/1", "https://a/2", "https://a/1", "https://a/3", "https://a/1"]) {
      urls.add(url);
    }
    urls.seal();
    expect(urls.isDuplicated("https://a/1")).toBe(true);
    expect(urls.isDuplicated("https://a/2")).toBe(false);
    expect(urls.isDuplicated("https://a/never")).toBe(false);
  });

  it("agrees with counting in a Map, past its initial capacity", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 3000 }), (ns) => {
        const urls = new UrlDuplicates();
        const counts = new Map<string, number>();
        for (const n of ns) {
          const url = `https://img.example.com/${n}.jpg`;
          urls.add(url);
          counts.set(url, (counts.get(url) ?? 0) + 1);
        }
        urls.seal();
        for (const [url, count] of counts) expect(urls.isDuplicated(url)).toBe(count > 1);
      }),
      { numRuns: 30 },
    );
  });

  it("refuses to answer before it is sealed", () => {
    const urls = new UrlDuplicates();
    urls.add("https://a/1");
    expect(() => urls.isDuplicated("https://a/1")).toThrow("seal() first");
  });
});
