import type { Plan } from "../plan/types.js";

/** Contract §5: refuse when deletes (replaces included) exceed both of these. */
export const MASS_DELETE_MIN = 50;
export const MASS_DELETE_SHARE = 0.25;

export interface MassDeleteVerdict {
  refused: boolean;
  deletes: number;
  owned: number;
}

/**
 * The mass-delete guard: a plan that would delete more than 50 inputs and more than 25% of the
 * inputs this manifest owns is refused unless the user lifts the guard.
 */
export function checkMassDelete(plan: Plan, owned: number): MassDeleteVerdict {
  // Counted from the changes themselves, never from the summary a plan file claims.
  const deletes = plan.changes.filter(
    (c) => c.action === "delete" || c.action === "replace" || c.action === "recreate",
  ).length;
  const refused = deletes > MASS_DELETE_MIN && deletes > owned * MASS_DELETE_SHARE;
  return { refused, deletes, owned };
}
