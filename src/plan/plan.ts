import type { ApiInput } from "../api/types.js";
import { type DiffOptions, diffInputs } from "./diff.js";
import type { Change, ChangeAction, LiveStats, Plan, PlanSummary, PlanTarget } from "./types.js";

/** The order in which changes are listed and applied: deletes free ids before anything is posted. */
export const ACTION_ORDER: readonly ChangeAction[] = [
  "delete",
  "replace",
  "recreate",
  "create",
  "update",
];

const RANK: Record<ChangeAction, number> = {
  delete: 0,
  replace: 1,
  recreate: 2,
  create: 3,
  update: 4,
};

/** Compares by action (see {@link ACTION_ORDER}), then by id in code-unit order (locale-free). */
export function compareChanges(a: Change, b: Change): number {
  const byAction = RANK[a.action] - RANK[b.action];
  if (byAction !== 0) return byAction;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Everything a plan records besides what the diff found. */
export interface PlanHeader {
  manifest: { path: string; name: string; sha256: string };
  target: PlanTarget;
  prune: boolean;
}

/** Assembles the versioned Plan; sorts a copy of `changes` into the stable order. */
export function buildPlan(
  options: PlanHeader & { changes: readonly Change[]; summary: PlanSummary; live?: LiveStats },
): Plan {
  const plan: Plan = {
    format_version: 1,
    manifest: { ...options.manifest },
    target: { ...options.target },
    options: { prune: options.prune },
    summary: { ...options.summary },
    changes: [...options.changes].sort(compareChanges),
  };
  if (options.live !== undefined) plan.live = { ...options.live };
  return plan;
}

/**
 * The whole pure planner in one call: desired inputs × a live listing → Plan. Commands that stream
 * pages use {@link createDiffer} and {@link buildPlan} instead, to keep one page in memory.
 */
export function planInputs(
  options: PlanHeader & Omit<DiffOptions, "manifestName" | "prune"> & { live: Iterable<ApiInput> },
): Plan {
  const diffOptions: DiffOptions & { live: Iterable<ApiInput> } = {
    manifestName: options.manifest.name,
    desired: options.desired,
    prune: options.prune,
    live: options.live,
  };
  if (options.manifestDir !== undefined) diffOptions.manifestDir = options.manifestDir;
  const result = diffInputs(diffOptions);
  return buildPlan({ ...options, ...result });
}
