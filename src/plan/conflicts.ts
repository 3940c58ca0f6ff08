import type { Plan, PlanConflict } from "./types.js";

/** Conflicts listed one by one at most; the rest are counted. */
const MAX_LISTED = 20;

/** What to tell the user about a plan's conflicts: one line each (some cut), and the ways out. */
export interface ConflictReport {
  lines: string[];
  hint: string;
}

/**
 * `input "new" would post https://x/a.jpg, which live input "old" keeps; the API refuses a URL
 * already in the app`.
 */
export function conflictLine(conflict: PlanConflict): string {
  const owner = conflict.prunable ? " (owned by this manifest, no longer declared)" : "";
  return `input ${JSON.stringify(conflict.id)} would post ${conflict.url}, which live input ${JSON.stringify(conflict.live_id)}${owner} keeps; the API refuses a URL already in the app`;
}

/** The ways out, `--prune` first when it would free a URL. */
export function conflictHint(conflicts: readonly PlanConflict[]): string {
  const ways = ["set allow_duplicate_url: true on the new input", "or give it a different URL"];
  if (conflicts.some((c) => c.prunable)) {
    ways.unshift("run with --prune to delete the old input this manifest no longer declares");
  }
  return ways.join(", ");
}

/** The report of a plan's conflicts, or undefined when it has none. */
export function reportConflicts(plan: Pick<Plan, "conflicts">): ConflictReport | undefined {
  const conflicts = plan.conflicts ?? [];
  if (conflicts.length === 0) return undefined;
  const lines = conflicts.slice(0, MAX_LISTED).map(conflictLine);
  if (conflicts.length > MAX_LISTED) {
    lines.push(`… and ${conflicts.length - MAX_LISTED} more inputs whose URL a live input keeps`);
  }
  return { lines, hint: conflictHint(conflicts) };
}

/**
 * Apply's verdict on a plan with conflicts (a manifest planned now, or a saved plan): refused,
 * with one line naming the first conflict and how many there are. Undefined when it may proceed.
 */
export function refuseConflictingPlan(
  plan: Pick<Plan, "conflicts">,
): { message: string; hint: string } | undefined {
  const conflicts = plan.conflicts ?? [];
  const first = conflicts[0];
  if (first === undefined) return undefined;
  const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more)` : "";
  return {
    message: `${conflictLine(first)}${more}; nothing was changed`,
    hint: conflictHint(conflicts),
  };
}
