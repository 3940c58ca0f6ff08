import { describe, expect, it } from "vitest";
import { checkMassDelete, describeMassDelete } from "../../src/apply/guard.js";
import { renderApplyReport } from "../../src/apply/render-report.js";
import { type ApplyReport, emptyApplyReport } from "../../src/apply/types.js";
import type { Change, Plan } from "../../src/plan/types.js";

function report(overrides: Partial<ApplyReport>): ApplyReport {
  return { ...emptyApplyReport(), waited: true, ...overrides };
}

const options = { waitTimeoutMs: 600_000, rerun: "dataset apply m.yaml" };

describe("renderApplyReport", () => {
  it("counts and lists replaced inputs deleted but not posted again after an interrupt", () => {
    const text = renderApplyReport(
      report({
        created: ["a"],
        indexed: ["a"],
        stopped: { kind: "interrupted" },
        notDone: [
          { id: "r1", action: "replace", state: "deleted-not-reposted" },
          { id: "c2", action: "create", state: "not-started" },
          { id: "u3", action: "update", state: "not-started" },
        ],
      }),
      options,
    );
    expect(text).toBe(
      [
        "Apply interrupted: 1 created, 0 updated, 0 replaced, 0 deleted, 1 deleted but not posted again; 1 indexed, 0 failed.",
        "  deleted but not posted again (1): r1 (replace)",
        "  not done (2): c2 (create), u3 (update)",
        "  Run `dataset apply m.yaml` again to finish: it plans from the app as it is now.",
      ].join("\n"),
    );
  });

  it("says why apply stopped by itself, and names failures with their codes", () => {
    const text = renderApplyReport(
      report({
        waited: false,
        stopped: { kind: "api-failing", requestsInARow: 3, lastError: "POST /x failed: HTTP 503" },
        failed: [{ id: "b", phase: "create", code: 98004, description: "unavailable" }],
      }),
      options,
    );
    expect(text.split("\n")).toEqual([
      "Apply stopped: 0 created, 0 updated, 0 replaced, 0 deleted; 1 failed; indexing not awaited.",
      "  stopped taking new work: 3 requests in a row failed (POST /x failed: HTTP 503)",
      "  failed b (create): unavailable [98004]",
    ]);
  });
});

describe("checkMassDelete", () => {
  const deletes = (n: number) =>
    ({
      changes: Array.from({ length: n }, (_, i) => ({ action: "delete", id: `d${i}` })) as Change[],
    }) as Plan;

  it("refuses over 50 deletes that are over 25% of the owned inputs, and says so from its constants", () => {
    expect(checkMassDelete(deletes(50), 100)).toBeUndefined();
    expect(checkMassDelete(deletes(51), 400)).toBeUndefined();
    const refusal = checkMassDelete(deletes(60), 100);
    expect(refusal).toEqual({ deletes: 60, owned: 100, min: 50, share: 0.25 });
    expect(describeMassDelete({ deletes: 60, owned: 100, min: 10, share: 0.5 })).toBe(
      "refusing to delete 60 inputs (more than 10 and more than 50% of the 100 inputs this manifest owns)",
    );
  });
});
