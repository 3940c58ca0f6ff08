import { describe, expect, it } from "vitest";
import { parseDuration, parsePositiveInt } from "../../src/cli/duration.js";

describe("parseDuration", () => {
  it.each([
    ["10m", 600_000],
    ["30s", 30_000],
    ["500ms", 500],
    ["1h30m", 5_400_000],
    ["45", 45_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text, "--wait-timeout")).toBe(ms);
  });

  it("names the flag and the bad value", () => {
    expect(() => parseDuration("10 minutes", "--wait-timeout")).toThrow(
      '--wait-timeout must be a duration like 30s, 10m or 1h, got "10 minutes"',
    );
  });

  it("positive whole numbers only", () => {
    expect(parsePositiveInt("4", "--concurrency")).toBe(4);
    expect(() => parsePositiveInt("0", "--concurrency")).toThrow(
      "--concurrency must be a positive whole number",
    );
    expect(() => parsePositiveInt("2.5", "--concurrency")).toThrow(
      "--concurrency must be a positive whole number",
    );
  });
});
