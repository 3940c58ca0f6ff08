import { describe, expect, it } from "vitest";
import { instantKey } from "../../src/apply/stale.js";

describe("instantKey", () => {
  it("equates the same instant written with 6 and 9 fractional digits", () => {
    expect(instantKey("2025-03-04T10:15:22.894006Z")).toBe(
      instantKey("2025-03-04T10:15:22.894006000Z"),
    );
    expect(instantKey("2025-03-04T10:15:22Z")).toBe(instantKey("2025-03-04T10:15:22.000Z"));
  });

  it("tells different instants apart, to the nanosecond", () => {
    expect(instantKey("2025-03-04T10:15:22.894006Z")).not.toBe(
      instantKey("2025-03-04T10:15:22.894007Z"),
    );
    expect(instantKey("2025-03-04T10:15:22.894006174Z")).not.toBe(
      instantKey("2025-03-04T10:15:22.894006Z"),
    );
    expect(instantKey("2025-03-04T10:15:23.894006Z")).not.toBe(
      instantKey("2025-03-04T10:15:22.894006Z"),
    );
  });

  it("keeps null as null", () => {
    expect(instantKey(null)).toBeNull();
    expect(instantKey(undefined)).toBeNull();
  });
});
