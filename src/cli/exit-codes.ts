import type { Outcome } from "../errors.js";

/**
 * The one mapping from how a command ended to the process's exit code (README "Exit codes"): a
 * thrown error is 1 (the bin entry), and every {@link Outcome} is mapped here.
 */
export function exitCodeOf(outcome: Outcome): number {
  switch (outcome.kind) {
    case "success":
      return 0;
    case "failed":
      return 1;
    case "differs":
      return 2;
    case "cancelled":
      return 130;
    case "interrupted":
      return outcome.signal === "SIGTERM" ? 143 : 130;
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}
