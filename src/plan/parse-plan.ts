import { UserError } from "../cli/errors.js";
import type { Plan } from "./types.js";

/** At most this many problems are listed; a file this broken is not worth a longer report. */
const MAX_PROBLEMS = 10;

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Reads a saved plan (`dataset plan --out`, i.e. {@link renderPlanJson}'s output) back, checking its
 * shape so that apply never acts on a file it misreads. Throws a `UserError` (code `plan-invalid`)
 * naming the JSON path of each problem; a wrong `format_version` is reported alone.
 */
export function parsePlanJson(text: string, source = "plan"): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError("plan-invalid", `${source}: not valid JSON (${(error as Error).message})`, {
      hint: "pass a file written by `dataset plan --out FILE`",
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
  const problems = checkPlan(value);
  if (problems.length > 0) throw invalid(source, problems);
  return value as unknown as Plan;
}

function invalid(source: string, problems: string[]): UserError {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more =
    problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : "";
  return new UserError(
    "plan-invalid",
    `${source} is not a valid plan:\n  ${shown.join("\n  ")}${more}`,
    {
      hint: "pass a file written by `dataset plan --out FILE`",
    },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

type Check = (value: unknown, path: string) => void;

/** Collects every problem of a parsed plan, each as `path: message`. */
function checkPlan(plan: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const fail = (path: string, message: string): void => {
    problems.push(`${path}: ${message}`);
  };
  const str: Check = (v, p) => {
    if (typeof v !== "string") fail(p, "must be a string");
  };
  const bool: Check = (v, p) => {
    if (typeof v !== "boolean") fail(p, "must be a boolean");
  };
  const count: Check = (v, p) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
      fail(p, "must be a non-negative integer");
  };
  const oneOf =
    (allowed: readonly string[]): Check =>
    (v, p) => {
      if (typeof v !== "string" || !allowed.includes(v))
        fail(p, `must be one of ${allowed.join(", ")}`);
    };
  const modifiedAt: Check = (v, p) => {
    if (v !== null && typeof v !== "string") fail(p, "must be a string or null");
  };
  const object = (
    v: unknown,
    p: string,
    fields: Record<string, Check>,
    optional: readonly string[] = [],
  ) => {
    if (!isRecord(v)) {
      fail(p, "must be an object");
      return;
    }
    for (const [key, check] of Object.entries(fields)) {
      if (v[key] !== undefined) check(v[key], `${p}.${key}`);
      else if (!optional.includes(key)) fail(`${p}.${key}`, "is missing");
    }
  };
  const sameId =
    (id: string): Check =>
    (v, p) => {
      if (v !== id) fail(p, "must equal the change's id");
    };
  const image: Check = (v, p) => {
    if (isRecord(v) && v.file !== undefined) {
      object(v.file, `${p}.file`, { path: str, sha256: sha256Check(fail), size: count });
    } else if (isRecord(v) && typeof v.url === "string") {
      if (v.allow_duplicate_url !== undefined)
        bool(v.allow_duplicate_url, `${p}.allow_duplicate_url`);
    } else {
      fail(p, "must be {url} or {file: {path, sha256, size}}");
    }
  };
  const concepts: Check = (v, p) => {
    if (!Array.isArray(v)) {
      fail(p, "must be an array");
      return;
    }
    for (const [i, c] of v.entries())
      object(c, `${p}[${i}]`, { id: str, value: oneOfNumbers(fail, [0, 1]) });
  };
  const metadata: Check = (v, p) => {
    if (!isRecord(v)) fail(p, "must be an object");
  };
  const planned =
    (id: string): Check =>
    (v, p) =>
      object(v, p, { id: sameId(id), data: (d, q) => object(d, q, { image, concepts, metadata }) });
  const live =
    (id: string): Check =>
    (v, p) =>
      object(v, p, { id: sameId(id) });
  const reasons: Check = (v, p) => {
    if (!Array.isArray(v) || v.length === 0) {
      fail(p, "must be a non-empty array");
      return;
    }
    for (const [i, r] of v.entries()) oneOf(["concepts", "metadata", "ownership"])(r, `${p}[${i}]`);
  };

  object(plan.manifest, "manifest", { path: str, name: str, sha256: str });
  object(plan.target, "target", { api_base: str, user_id: str, app_id: str, local: bool }, [
    "local",
  ]);
  object(plan.options, "options", { prune: bool });
  const summaryKeys = [
    "create",
    "update",
    "replace",
    "recreate",
    "delete",
    "unchanged",
    "unmanaged",
  ];
  if (isRecord(plan.summary) && plan.summary.adopt === undefined) plan.summary.adopt = 0;
  object(plan.summary, "summary", Object.fromEntries(summaryKeys.map((k) => [k, count])));
  if (plan.live !== undefined) {
    object(plan.live, "live", { total: count, owned: count, prunable: count }, ["prunable"]);
  }
  if (!Array.isArray(plan.changes)) {
    fail("changes", "must be an array");
    return problems;
  }

  const seen = new Set<string>();
  for (const [i, change] of (plan.changes as unknown[]).entries()) {
    const p = `changes[${i}]`;
    if (!isRecord(change)) {
      fail(p, "must be an object");
      continue;
    }
    const id = change.id;
    if (typeof id !== "string" || id === "") {
      fail(`${p}.id`, "must be a non-empty string");
      continue;
    }
    if (seen.has(id)) fail(`${p}.id`, `${JSON.stringify(id)} appears in more than one change`);
    seen.add(id);
    const fields = CHANGE_FIELDS[String(change.action)];
    if (fields === undefined) {
      fail(`${p}.action`, "must be one of create, update, replace, recreate, delete");
      continue;
    }
    const checks: Record<string, Check> = {
      after: planned(id),
      before: live(id),
      live_modified_at: modifiedAt,
      reasons,
      reason: oneOf(change.action === "recreate" ? ["failed"] : ["url", "file"]),
    };
    object(change, p, Object.fromEntries(fields.map((f) => [f, checks[f] as Check])));
    if (change.action === "delete" && isRecord(plan.options) && plan.options.prune !== true) {
      fail(`${p}.action`, "a plan made without --prune cannot delete");
    }
  }
  // The summary is what a reviewer read; it must say exactly what the changes do.
  if (isRecord(plan.summary)) {
    const counted: Record<string, number> = {
      create: 0,
      update: 0,
      replace: 0,
      recreate: 0,
      delete: 0,
      adopt: 0,
    };
    for (const change of plan.changes as unknown[]) {
      if (isRecord(change) && typeof change.action === "string" && change.action in counted) {
        counted[change.action] = (counted[change.action] ?? 0) + 1;
      }
    }
    for (const [action, n] of Object.entries(counted)) {
      if (typeof plan.summary[action] === "number" && plan.summary[action] !== n) {
        fail(
          `summary.${action}`,
          `says ${String(plan.summary[action])} but the plan has ${n} ${action} changes`,
        );
      }
    }
  }
  return problems;
}

/** The fields each action requires. */
const CHANGE_FIELDS: Record<string, readonly string[]> = {
  create: ["after"],
  update: ["reasons", "before", "after", "live_modified_at"],
  adopt: ["before", "after", "live_modified_at"],
  replace: ["reason", "before", "after", "live_modified_at"],
  recreate: ["reason", "before", "after", "live_modified_at"],
  delete: ["before", "live_modified_at"],
};

function sha256Check(fail: (path: string, message: string) => void): Check {
  return (v, p) => {
    if (typeof v !== "string" || !SHA256.test(v)) fail(p, "must be a sha256 in hex");
  };
}

function oneOfNumbers(
  fail: (path: string, message: string) => void,
  allowed: readonly number[],
): Check {
  return (v, p) => {
    if (typeof v !== "number" || !allowed.includes(v)) fail(p, `must be ${allowed.join(" or ")}`);
  };
}
