import type { Plan } from "../plan/types.js";

/** Contract §5: refuse when deletes (replaces included) exceed both of these. */
const MASS_DELETE_MIN = 50;
const MASS_DELETE_SHARE = 0.25;

/** Why the mass-delete guard refused a plan, with the thresholds it applied. */
export interface MassDeleteRefusal {
  /** Deletes in the plan, replaces and recreates included. */
  deletes: number;
  /** Inputs this manifest owns in the app. */
  owned: number;
  /** The thresholds: more than `min` deletes and more than `share` of `owned`. */
  min: number;
  share: number;
}

/**
 * The mass-delete guard: a plan that would delete more than 50 inputs and more than 25% of the
 * inputs this manifest owns is refused unless the user lifts the guard. Returns the refusal, or
 * `undefined` when the plan passes.
 */
export function checkMassDelete(plan: Plan, owned: number): MassDeleteRefusal | undefined {
  // Counted from the changes themselves, never from the summary a plan file claims.
  const deletes = plan.changes.filter(
    (c) => c.action === "delete" || c.action === "replace" || c.action === "recreate",
  ).length;
  const refused = deletes > MASS_DELETE_MIN && deletes > owned * MASS_DELETE_SHARE;
  return refused ? { deletes, owned, min: MASS_DELETE_MIN, share: MASS_DELETE_SHARE } : undefined;
}

/** `refusing to delete 60 inputs (more than 50 and more than 25% of the 100 inputs this manifest owns)`. */
export function describeMassDelete(refusal: MassDeleteRefusal): string {
  const percent = Math.round(refusal.share * 100);
  return `refusing to delete ${refusal.deletes} inputs (more than ${refusal.min} and more than ${percent}% of the ${refusal.owned} inputs this manifest owns)`;
}
