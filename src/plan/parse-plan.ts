import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import { UserError } from "../errors.js";
import { packageSchema } from "../manifest/schema.js";
import { isRecord } from "../util/is-record.js";
import { type ChangeAction, type Plan, SUMMARY_KEYS } from "./types.js";

/** At most this many problems are listed; a file this broken is not worth a longer report. */
const MAX_PROBLEMS = 10;

const PLAN_SCHEMA_FILE = "plan.schema.json";

const HINT = "pass a file written by `dataset plan --out FILE`";

/**
 * Reads a saved plan (`dataset plan --out`, i.e. {@link renderPlanJson}'s output) back, checked
 * against schema/plan.schema.json and the rules a schema cannot say (the summary agrees with the
 * changes, deletes need a plan made with `--prune`, each change's inputs carry its id, no id in two
 * changes), so that apply never acts on a file it misreads. Throws a `UserError` (code
 * `plan-invalid`) naming the JSON path of each problem; a wrong `format_version` is reported alone.
 * A plan written before `adopt` existed reads with `summary.adopt` 0.
 */
export function parsePlanJson(text: string, source = "plan"): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError("plan-invalid", `${source}: not valid JSON (${(error as Error).message})`, {
      hint: HINT,
    });
  }
  if (!isRecord(value)) throw invalid(source, ["(root): must be an object"]);
  if (value.format_version !== 1) {
    throw new UserError(
      "plan-invalid",
      `${source}: unsupported format_version ${JSON.stringify(value.format_version) ?? "(missing)"}; this dataset reads format_version 1`,
      { hint: "make the plan again with this version: dataset plan <manifest> --out FILE" },
    );
  }
  const problems = [...schemaProblems(value), ...semanticProblems(value)];
  if (problems.length > 0) throw invalid(source, problems);
  const plan = value as unknown as Plan;
  plan.summary.adopt ??= 0;
  return plan;
}

function invalid(source: string, problems: string[]): UserError {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more =
    problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : "";
  return new UserError(
    "plan-invalid",
    `${source} is not a valid plan:\n  ${shown.join("\n  ")}${more}`,
    { hint: HINT },
  );
}

interface PlanSchema {
  /** The plan without its changes. */
  head: ValidateFunction;
  /** One change. */
  change: ValidateFunction;
  actions: readonly string[];
}

let compiled: PlanSchema | undefined;

/** schema/plan.schema.json, parsed (the package's own file, read once when first needed). */
export function planSchema(): Record<string, unknown> {
  return packageSchema(PLAN_SCHEMA_FILE);
}

function compile(): PlanSchema {
  if (compiled !== undefined) return compiled;
  const schema = planSchema();
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    // `required` inside `if` names properties its `then`/`else` declare.
    strictRequired: false,
    discriminator: true,
  });
  ajv.addSchema(schema, PLAN_SCHEMA_FILE);
  const head = ajv.getSchema(PLAN_SCHEMA_FILE);
  const change = ajv.getSchema(`${PLAN_SCHEMA_FILE}#/$defs/change`);
  if (head === undefined || change === undefined) throw new Error("plan schema did not compile");
  const branches = schema.$defs as Record<string, { properties: { action: { const: string } } }>;
  const actions = Object.keys(branches)
    .filter((key) => key.endsWith("Change"))
    .map((key) => branches[key]?.properties.action.const ?? key);
  compiled = { head, change, actions };
  return compiled;
}

/**
 * Schema problems as `path: message`. Each change is checked on its own: within one call ajv
 * concatenates error arrays at every `$ref`, which is quadratic in the number of errors.
 */
function schemaProblems(plan: Record<string, unknown>): string[] {
  const { head, change, actions } = compile();
  const problems: string[] = [];
  const check = (fn: ValidateFunction, data: unknown, prefix: string) => {
    if (fn(data)) return;
    for (const error of fn.errors ?? []) {
      const problem = describe(error, prefix, actions);
      if (problem !== undefined && !problems.includes(problem)) problems.push(problem);
    }
  };
  const { changes } = plan;
  check(head, Array.isArray(changes) ? { ...plan, changes: [] } : plan, "");
  if (Array.isArray(changes)) {
    changes.forEach((item: unknown, index) => {
      if (problems.length <= MAX_PROBLEMS) check(change, item, `/changes/${index}`);
    });
  }
  return problems;
}

/** `/changes/0/after/id` → `changes[0].after.id`. */
function jsonPath(pointer: string): string {
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    out += /^\d+$/.test(part) ? `[${part}]` : out === "" ? part : `.${part}`;
  }
  return out === "" ? "(root)" : out;
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  null: "null",
};

/** One ajv error in words, or undefined for errors that only say a sub-schema failed. */
function describe(
  error: ErrorObject,
  prefix: string,
  actions: readonly string[],
): string | undefined {
  const path = jsonPath(prefix + error.instancePath);
  const params = error.params as Record<string, unknown>;
  const at = (key: string) => (path === "(root)" ? key : `${path}.${key}`);
  switch (error.keyword) {
    case "required":
      return `${at(String(params.missingProperty))}: is missing`;
    case "additionalProperties":
      return `${at(String(params.additionalProperty))}: is not a field of a format_version 1 plan`;
    case "type": {
      const types = String(params.type).split(",");
      return `${path}: must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(" or ")}`;
    }
    case "minimum":
      return `${path}: must be a non-negative integer`;
    case "minLength":
    case "minItems":
      return `${path}: must not be empty`;
    case "enum":
      return `${path}: must be one of ${(params.allowedValues as unknown[]).join(", ")}`;
    case "const":
      return `${path}: must be ${JSON.stringify(params.allowedValue)}`;
    case "pattern":
      return `${path}: must be a sha256 in hex`;
    case "discriminator":
      return params.error === "tag"
        ? `${at("action")}: is missing`
        : `${at("action")}: must be one of ${actions.join(", ")}`;
    case "if":
    case "oneOf":
      return undefined;
    default:
      return `${path}: ${error.message ?? "is invalid"}`;
  }
}

/**
 * The rules the schema cannot say. The summary is what a reviewer read, so it must say exactly
 * what the changes do; a plan made without `--prune` cannot delete.
 */
function semanticProblems(plan: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!Array.isArray(plan.changes)) return problems;
  const counted = new Map<string, number>();
  const seen = new Set<string>();
  const prune = isRecord(plan.options) && plan.options.prune === true;
  plan.changes.forEach((change: unknown, index) => {
    if (!isRecord(change) || typeof change.id !== "string") return;
    const p = `changes[${index}]`;
    const { id, action } = change;
    if (seen.has(id))
      problems.push(`${p}.id: ${JSON.stringify(id)} appears in more than one change`);
    seen.add(id);
    for (const side of ["before", "after"]) {
      const input = change[side];
      if (isRecord(input) && typeof input.id === "string" && input.id !== id) {
        problems.push(`${p}.${side}.id: must equal the change's id`);
      }
    }
    if (action === "delete" && !prune) {
      problems.push(`${p}.action: a plan made without --prune cannot delete`);
    }
    if (typeof action === "string") counted.set(action, (counted.get(action) ?? 0) + 1);
  });
  if (isRecord(plan.summary)) {
    const summary = plan.summary;
    for (const action of SUMMARY_KEYS) {
      if (!isChangeAction(action)) continue;
      const said = summary[action] ?? (action === "adopt" ? 0 : undefined);
      const n = counted.get(action) ?? 0;
      if (typeof said === "number" && said !== n) {
        problems.push(`summary.${action}: says ${said} but the plan has ${n} ${action} changes`);
      }
    }
  }
  return problems;
}

function isChangeAction(key: (typeof SUMMARY_KEYS)[number]): key is ChangeAction & typeof key {
  return key !== "unchanged" && key !== "unmanaged";
}
