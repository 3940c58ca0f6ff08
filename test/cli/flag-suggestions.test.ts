import { describe, expect, it } from "vitest";
import { editDistance, suggestFlag } from "../../src/cli/flag-suggestions.js";

const APPLY = [
  "--api-base",
  "--pat",
  "--user-id",
  "--app-id",
  "--local",
  "--yes",
  "--no-wait",
  "--compact",
  "--concurrency",
  "--no-color",
];
const PLAN = [
  "--api-base",
  "--pat",
  "--user-id",
  "--app-id",
  "--local",
  "--format",
  "--out",
  "--detailed-exitcode",
  "--compact",
  "--no-color",
];

describe("suggestFlag", () => {
  it("maps Terraform's and kubectl's spellings to ours", () => {
    expect(suggestFlag("--auto-approve", APPLY)).toBe("did you mean --yes?");
    expect(suggestFlag("-auto-approve", APPLY)).toBe("did you mean --yes?");
    expect(suggestFlag("--parallelism=8", APPLY)).toBe("did you mean --concurrency?");
    expect(suggestFlag("-o", PLAN)).toBe("did you mean --format json?");
  });

  it("explains what to run when the command has no such flag", () => {
    expect(suggestFlag("--auto-approve", PLAN)).toMatch(/dataset apply --yes/);
    expect(suggestFlag("--dry-run", APPLY)).toMatch(
      /^`dataset plan <manifest>` shows what apply would do/,
    );
  });

  it("otherwise offers the nearest known flag, and nothing when none is near", () => {
    expect(suggestFlag("--formt", PLAN)).toBe("did you mean --format?");
    expect(suggestFlag("--detailed-exit-code", PLAN)).toBe("did you mean --detailed-exitcode?");
    expect(suggestFlag("--verbose", PLAN)).toBeUndefined();
    expect(suggestFlag("--no", APPLY)).toBeUndefined();
  });

  it("counts an adjacent swap as one edit", () => {
    expect(editDistance("fromat", "format")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});
