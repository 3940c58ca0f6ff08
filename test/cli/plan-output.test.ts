/** What `plan` prints beyond the renderers' own tests: every change, `--compact`, the target line. */
import { describe, expect, it } from "vitest";
import { renderPlanMarkdown } from "../../src/plan/render-markdown.js";
import { renderPlanText, renderPlanTextChunks } from "../../src/plan/render-text.js";
import { liveInput, NAME, planFrom, urlInput } from "../plan/helpers.js";
import { samplePlan } from "../plan/sample-plan.js";

const target = {
  api_base: "https://api.clarifai.com",
  user_id: "acme",
  app_id: "shop",
  source: { api_base: "default", user_id: "manifest", app_id: "flag" },
} as const;

function creates(n: number) {
  return planFrom({
    manifest: { path: "data/dataset.yaml", name: NAME, sha256: "0".repeat(64) },
    target,
    prune: false,
    desired: Array.from({ length: n }, (_, i) => urlInput(`in-${String(i).padStart(4, "0")}`)),
    live: [],
  });
}

describe("the text plan", () => {
  it("lists every change, however many (no per-action cap)", async () => {
    const text = renderPlanText(await creates(250), { color: false });
    expect(text.match(/^ {2}\+ create {3}in-\d{4}$/gm)).toHaveLength(250);
    expect(text).toContain("in-0249");
    expect(text).not.toMatch(/more to create/);
  });

  it("starts with the target and where each part came from", async () => {
    const first = renderPlanText(await creates(1), { color: false }).split("\n")[0];
    expect(first).toBe(
      "Target: users/acme/apps/shop on https://api.clarifai.com (default API base; user from the manifest's app:; app from --app-id)",
    );
  });

  it("is produced in pieces that join to the whole", async () => {
    const plan = await samplePlan();
    const pieces = [...renderPlanTextChunks(plan, { color: false })];
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join("")).toBe(renderPlanText(plan, { color: false }));
  });

  it("--compact prints the target, the counts per action and the summary only", async () => {
    const plan = await planFrom({
      manifest: { path: "dataset.yaml", name: NAME, sha256: "0".repeat(64) },
      target: { api_base: "https://api.clarifai.com", user_id: "acme", app_id: "shop" },
      prune: true,
      desired: ["a", "b", "c"].map((id) => urlInput(id, { metadata: { k: 2 } })),
      live: [liveInput("b", { metadata: { k: 1 } }), liveInput("gone")],
    });
    const lines = renderPlanText(plan, { color: false, compact: true }).split("\n");
    expect(lines.slice(0, 6)).toEqual([
      "Target: users/acme/apps/shop on https://api.clarifai.com",
      "Warning: this plan deletes 1 input (1 pruned).",
      "",
      "  - delete   1",
      "  + create   2",
      "  ~ update   1",
    ]);
    expect(lines[6]).toBe("");
    expect(lines[7]).toMatch(/^Plan: 2 to create, 1 to update, 0 to replace, 1 to delete\./);
    // No change is listed by id.
    expect(lines.filter((l) => /\s(a|b|c|gone)( \(.*\))?$/.test(l))).toEqual([]);
  });
});

describe("the markdown plan", () => {
  it("names the target", async () => {
    expect(renderPlanMarkdown(await creates(1))).toContain(
      "Target: users/acme/apps/shop on https://api.clarifai.com (default API base; user from the manifest's app:; app from --app-id)",
    );
  });

  it("--compact keeps the header and summary table, no change list", async () => {
    const md = renderPlanMarkdown(await creates(30), { compact: true });
    expect(md).toContain("| 30 | 0 | 0 | 0 | 0 | 0 | 0 |");
    expect(md).not.toContain("<details");
    expect(md).not.toContain("in-0001");
  });

  it("when it cuts, says how many changes and how to see them all", async () => {
    const md = renderPlanMarkdown(await creates(2000));
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md).toMatch(
      /_Plan truncated: 1,900 more changes not shown \(at most 100 are listed per action\)\. For every change, see the job log or run <code>dataset plan data\/dataset\.yaml<\/code> locally\._/,
    );
  });
});
