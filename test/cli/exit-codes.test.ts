import { describe, expect, it } from "vitest";
import { exitCodeOf } from "../../src/cli/exit-codes.js";

describe("exitCodeOf", () => {
  it("maps every outcome to the exit code the README documents", () => {
    expect(exitCodeOf({ kind: "success" })).toBe(0);
    expect(exitCodeOf({ kind: "failed" })).toBe(1);
    expect(exitCodeOf({ kind: "differs" })).toBe(2);
    expect(exitCodeOf({ kind: "cancelled" })).toBe(130);
    expect(exitCodeOf({ kind: "interrupted", signal: "SIGINT" })).toBe(130);
    expect(exitCodeOf({ kind: "interrupted", signal: "SIGTERM" })).toBe(143);
  });
});
