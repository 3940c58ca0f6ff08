import type {
  Change,
  ChangeAction,
  LiveStats,
  Plan,
  PlanConflict,
  PlanSummary,
  PlanTarget,
} from "./types.js";

/** The order in which changes are listed and applied: deletes free ids before anything is posted. */
export const ACTION_ORDER: readonly ChangeAction[] = [
  "delete",
  "replace",
  "recreate",
  "create",
  "update",
  "adopt",
];

const RANK = Object.fromEntries(ACTION_ORDER.map((action, index) => [action, index])) as Record<
  ChangeAction,
  number
>;

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

/**
 * Assembles the versioned Plan; sorts a copy of `changes` into the stable order. `conflicts` are
 * recorded only when there are any.
 */
export function buildPlan(
  options: PlanHeader & {
    changes: readonly Change[];
    summary: PlanSummary;
    live?: LiveStats;
    conflicts?: readonly PlanConflict[];
  },
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
  if (options.conflicts !== undefined && options.conflicts.length > 0) {
    plan.conflicts = options.conflicts.map((c) => ({ ...c }));
  }
  return plan;
}
