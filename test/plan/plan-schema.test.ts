/**
 * schema/plan.schema.json and the TypeScript plan types (src/plan/types.ts) describe one shape.
 * The key lists below must equal the types (checked by the compiler: `npm run typecheck` fails
 * when a type gains or loses a key), and the schema must have exactly these keys (checked when
 * the test runs). Then: what the planner writes, the parser reads back, and a stray field is refused.
 */
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { parsePlanJson, planSchema } from "../../src/plan/parse-plan.js";
import { renderPlanJson } from "../../src/plan/render-json.js";
import {
  type AdoptChange,
  type CreateChange,
  type DeleteChange,
  type LiveStats,
  type Plan,
  type PlanConflict,
  type PlannedFile,
  type PlannedInput,
  type PlanSummary,
  type PlanTarget,
  type RecreateChange,
  type ReplaceChange,
  SUMMARY_KEYS,
  type UpdateChange,
  type UpdateReason,
} from "../../src/plan/types.js";
import { at, type RequiredKeys, type Same, shape, sorted } from "../helpers/schema-shape.js";
import { liveInput, NAME, planFrom, urlInput } from "./helpers.js";
import { samplePlan } from "./sample-plan.js";

const PLAN = [
  "format_version",
  "manifest",
  "target",
  "options",
  "summary",
  "live",
  "conflicts",
  "changes",
] as const;
const PLAN_REQUIRED = [
  "format_version",
  "manifest",
  "target",
  "options",
  "summary",
  "changes",
] as const;
const MANIFEST = ["path", "name", "sha256"] as const;
const TARGET = ["api_base", "user_id", "app_id", "local", "source"] as const;
const TARGET_REQUIRED = ["api_base", "user_id", "app_id"] as const;
const LIVE = ["total", "owned", "prunable"] as const;
const LIVE_REQUIRED = ["total", "owned"] as const;
const CONFLICT = ["id", "url", "live_id", "prunable"] as const;
const PLANNED = ["id", "data"] as const;
const DATA = ["image", "concepts", "metadata"] as const;
const FILE = ["path", "sha256", "size"] as const;
const CREATE = ["action", "id", "after"] as const;
const UPDATE = ["action", "id", "reasons", "before", "after", "live_modified_at"] as const;
const ADOPT = ["action", "id", "before", "after", "live_modified_at"] as const;
const REPLACE = ["action", "id", "reason", "before", "after", "live_modified_at"] as const;
const DELETE = ["action", "id", "before", "live_modified_at"] as const;
const REASONS = ["concepts", "metadata", "ownership"] as const;

// Compile-time halves: each line fails to typecheck when the list and the type disagree.
const typesAgree: true[] = [
  true satisfies Same<(typeof PLAN)[number], keyof Plan>,
  true satisfies Same<(typeof PLAN_REQUIRED)[number], RequiredKeys<Plan>>,
  true satisfies Same<(typeof MANIFEST)[number], keyof Plan["manifest"]>,
  true satisfies Same<(typeof TARGET)[number], keyof PlanTarget>,
  true satisfies Same<(typeof TARGET_REQUIRED)[number], RequiredKeys<PlanTarget>>,
  true satisfies Same<(typeof SUMMARY_KEYS)[number], keyof PlanSummary>,
  true satisfies Same<(typeof LIVE)[number], keyof LiveStats>,
  true satisfies Same<(typeof LIVE_REQUIRED)[number], RequiredKeys<LiveStats>>,
  true satisfies Same<(typeof CONFLICT)[number], RequiredKeys<PlanConflict>>,
  true satisfies Same<(typeof PLANNED)[number], RequiredKeys<PlannedInput>>,
  true satisfies Same<(typeof DATA)[number], RequiredKeys<PlannedInput["data"]>>,
  true satisfies Same<(typeof FILE)[number], RequiredKeys<PlannedFile>>,
  true satisfies Same<(typeof CREATE)[number], RequiredKeys<CreateChange>>,
  true satisfies Same<(typeof UPDATE)[number], RequiredKeys<UpdateChange>>,
  true satisfies Same<(typeof ADOPT)[number], RequiredKeys<AdoptChange>>,
  true satisfies Same<(typeof REPLACE)[number], RequiredKeys<ReplaceChange>>,
  true satisfies Same<(typeof REPLACE)[number], RequiredKeys<RecreateChange>>,
  true satisfies Same<(typeof DELETE)[number], RequiredKeys<DeleteChange>>,
  true satisfies Same<(typeof REASONS)[number], UpdateReason>,
];

describe("the plan schema and the TypeScript types agree", () => {
  const schema = planSchema();
  // `summary.adopt` is required in the type but optional in the schema: plans written before adopt
  // existed lack it, and the parser reads it as 0.
  const summaryRequired = SUMMARY_KEYS.filter((key) => key !== "adopt");
  const cases: [string, readonly string[], readonly string[]][] = [
    ["", PLAN, PLAN_REQUIRED],
    ["properties/manifest", MANIFEST, MANIFEST],
    ["properties/target", TARGET, TARGET_REQUIRED],
    ["properties/options", ["prune"], ["prune"]],
    ["properties/summary", SUMMARY_KEYS, summaryRequired],
    ["properties/live", LIVE, LIVE_REQUIRED],
    ["$defs/conflict", CONFLICT, CONFLICT],
    ["$defs/plannedInput", PLANNED, PLANNED],
    ["$defs/plannedInput/properties/data", DATA, DATA],
    ["$defs/fileImage/properties/file", FILE, FILE],
    ["$defs/createChange", CREATE, CREATE],
    ["$defs/updateChange", UPDATE, UPDATE],
    ["$defs/adoptChange", ADOPT, ADOPT],
    ["$defs/replaceChange", REPLACE, REPLACE],
    ["$defs/recreateChange", REPLACE, REPLACE],
    ["$defs/deleteChange", DELETE, DELETE],
  ];
  for (const [path, keys, required] of cases) {
    it(`#/${path}`, () => {
      const node = at(schema, path);
      expect(shape(node)).toEqual({ keys: sorted(keys), required: sorted(required) });
      expect(node.additionalProperties, path).toBe(false);
    });
  }

  it("on the actions, the update reasons and the version", () => {
    const actions = (at(schema, "$defs/change").oneOf as { $ref: string }[]).map(
      (branch) => at(schema, `${branch.$ref.slice(2)}/properties/action`).const,
    );
    expect(sorted(actions as string[])).toEqual(
      sorted([
        "create",
        "update",
        "adopt",
        "replace",
        "recreate",
        "delete",
      ] satisfies Plan["changes"][number]["action"][]),
    );
    expect(at(schema, "$defs/updateChange/properties/reasons/items").enum).toEqual([...REASONS]);
    expect(at(schema, "properties/format_version").const).toBe(1 satisfies Plan["format_version"]);
    expect(typesAgree.every(Boolean)).toBe(true);
  });
});

describe("saved plans read back", () => {
  it("reads what the planner writes, conflicts and adoptions included", async () => {
    const plan = await planFrom({
      manifest: { path: "m.yaml", name: NAME, sha256: "f".repeat(64) },
      target: { api_base: "https://api.clarifai.com", user_id: "u", app_id: "a" },
      prune: false,
      desired: [urlInput("new", { url: "https://img.example.com/old.jpg" }), urlInput("mine")],
      live: [liveInput("old"), liveInput("mine", { marker: null })],
    });
    expect(plan.conflicts).toHaveLength(1);
    expect(plan.summary.adopt).toBe(1);
    expect(parsePlanJson(renderPlanJson(plan))).toEqual(plan);
  });

  it("reads a plan written before adopt existed with summary.adopt 0", async () => {
    const plan = JSON.parse(renderPlanJson(await samplePlan()));
    plan.changes = plan.changes.filter((c: { action: string }) => c.action !== "adopt");
    delete plan.summary.adopt;
    expect(parsePlanJson(JSON.stringify(plan)).summary.adopt).toBe(0);
  });

  it("refuses a field it does not know rather than apply a plan it misreads", async () => {
    const plan = JSON.parse(renderPlanJson(await samplePlan()));
    plan.approved_by = "someone";
    plan.changes[0].force = true;
    let error: unknown;
    try {
      parsePlanJson(JSON.stringify(plan), "p.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      "p.json is not a valid plan:\n  approved_by: is not a field of a format_version 1 plan\n  changes[0].force: is not a field of a format_version 1 plan",
    );
  });
});
