import { describe, expect, it } from "vitest";
import { DesiredIndex } from "../../src/manifest/desired-index.js";
import type { DesiredInput } from "../../src/manifest/types.js";
import { renderManifestStatusText } from "../../src/status/render-status.js";
import { createStatusTally, statusOutcome } from "../../src/status/tally.js";

const desired = (id: string, concepts: string[] = []): DesiredInput => ({
  id,
  image: { kind: "url", url: `https://img.example.com/${id}.jpg` },
  concepts: concepts.map((c) => ({ id: c, value: 1 })),
  metadata: {},
  allowDuplicateUrl: false,
  source: { file: "m.yaml", line: 1, column: 1 },
});

describe("status tally and text", () => {
  it("counts each declared input once and renders every group", () => {
    const tally = createStatusTally({
      manifestName: "m",
      desired: DesiredIndex.of([
        desired("a", ["cat"]),
        desired("b", ["cat"]),
        desired("c"),
        desired("d"),
      ]),
    });
    const concepts = [{ id: "cat", value: 1 }];
    tally.observe({ id: "a", data: { concepts }, status: { code: 30000 } });
    tally.observe({ id: "a", data: { concepts }, status: { code: 30000 } }); // repeated by the stream
    tally.observe({
      id: "b",
      data: { concepts: [{ id: "cat", value: 0 }] },
      status: { code: 30003, description: "Download in progress" },
    });
    tally.observe({
      id: "c",
      status: { code: 30002, description: "Download failed; check URL", details: "HTTP 404" },
    });
    tally.observe({ id: "old", data: { metadata: { _dataset: { manifest: "m" } } } });
    tally.observe({ id: "theirs", data: { metadata: { _dataset: { manifest: "x" } } } });
    const status = tally.finish();
    expect(statusOutcome(status, false)).toEqual({ kind: "failed" });
    expect(
      renderManifestStatusText(
        { path: "m.yaml", name: "m" },
        { api_base: "https://api.clarifai.com", user_id: "u", app_id: "a" },
        status,
      ),
    ).toMatchInlineSnapshot(`
      "Manifest m (m.yaml) in users/u/apps/a at https://api.clarifai.com:
        4 declared: 1 indexed, 1 pending (1 INPUT_IN_PROGRESS), 1 failed, 1 missing.
        Failed:
          c  INPUT_FAILED (Download failed; check URL: HTTP 404)
        Pending:
          b  INPUT_IN_PROGRESS (Download in progress)
        Missing:
          d
        Not declared: 1 owned by m (\`plan --prune\` would delete them), 1 unmanaged.
        Concepts (inputs marked present: declared / live):
          cat  2 / 1  ≠
      1 declared input failed; \`dataset apply\` re-creates failed inputs."
    `);
  });

  it("exit codes: 0 when all indexed; 2 only with --detailed-exitcode for pending or missing", () => {
    const tally = createStatusTally({
      manifestName: "m",
      desired: DesiredIndex.of([desired("a"), desired("b")]),
    });
    tally.observe({ id: "a", status: { code: 30000 } });
    const missing = tally.finish();
    expect(statusOutcome(missing, false)).toEqual({ kind: "success" });
    expect(statusOutcome(missing, true)).toEqual({ kind: "differs" });
    const all = createStatusTally({ manifestName: "m", desired: DesiredIndex.of([desired("a")]) });
    all.observe({ id: "a", status: { code: 30000 } });
    expect(statusOutcome(all.finish(), true)).toEqual({ kind: "success" });
  });
});
