import { describe, expect, it } from "vitest";
import { createUrlClaims } from "../../src/plan/url-claims.js";

describe("createUrlClaims", () => {
  const claims = createUrlClaims(["https://a/1.jpg", undefined, "https://a/2.jpg"]);

  it("says whether a declared input other than the asker may post a URL", () => {
    expect(claims.mayClaim("https://a/1.jpg", -1)).toBe(true);
    expect(claims.mayClaim("https://a/2.jpg", 0)).toBe(true);
    expect(claims.mayClaim("https://a/3.jpg", -1)).toBe(false);
  });

  it("never counts the asker's own URL", () => {
    expect(claims.mayClaim("https://a/1.jpg", 0)).toBe(false);
    expect(claims.mayClaim("https://a/2.jpg", 2)).toBe(false);
  });

  it("claims nothing without URLs, and holds many without losing one", () => {
    expect(createUrlClaims([undefined]).mayClaim("https://a/1.jpg", -1)).toBe(false);
    const urls = Array.from({ length: 5000 }, (_, i) => `https://img.example.com/${i}.jpg`);
    const many = createUrlClaims(urls);
    expect(urls.every((url, i) => many.mayClaim(url, -1) && !many.mayClaim(url, i))).toBe(true);
  });
});
