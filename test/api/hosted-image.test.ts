import { describe, expect, it } from "vitest";
import { mayCarryToken } from "../../src/api/hosted-image.js";

describe("mayCarryToken", () => {
  it("allows the API's own origin and, over https, its sibling hosts", () => {
    expect(mayCarryToken("http://127.0.0.1:4000/orig/x", "http://127.0.0.1:4000")).toBe(true);
    expect(
      mayCarryToken(
        "https://data.clarifai.com/orig/users/u/apps/a/inputs/image/1",
        "https://api.clarifai.com",
      ),
    ).toBe(true);
  });

  it("refuses every other host, port, scheme or credentials in the URL", () => {
    const api = "https://api.clarifai.com";
    expect(mayCarryToken("https://images.example.com/1.jpg", api)).toBe(false);
    expect(mayCarryToken("https://clarifai.com.evil.test/1.jpg", api)).toBe(false);
    expect(mayCarryToken("http://data.clarifai.com/orig/1", api)).toBe(false);
    expect(mayCarryToken("https://user:pw@data.clarifai.com/orig/1", api)).toBe(false);
    expect(mayCarryToken("https://data.clarifai.com/orig/1", "http://127.0.0.1:4000")).toBe(false);
    expect(mayCarryToken("http://127.0.0.1:4001/orig/x", "http://127.0.0.1:4000")).toBe(false);
    expect(mayCarryToken("not a url", api)).toBe(false);
  });
});
