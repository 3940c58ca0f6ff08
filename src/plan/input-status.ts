import { StatusCode } from "../api/types.js";

/**
 * Where an input is in the API's asynchronous indexing, from its per-input status code. One
 * classifier for the planner (failed inputs are recreated) and the applier (failed inputs are
 * reported), so the two never disagree and a plan always converges.
 */
export type IndexState = "done" | "pending" | "failed";

export function indexStateOf(code: number | undefined): IndexState {
  if (code === undefined) return "pending";
  const n = Number(code);
  if (n === StatusCode.INPUT_SUCCESS) return "done";
  // 10000 on an input of a write reply means "accepted"; indexing has not finished yet.
  if (
    n === StatusCode.INPUT_PENDING ||
    n === StatusCode.INPUT_IN_PROGRESS ||
    n === StatusCode.SUCCESS
  ) {
    return "pending";
  }
  return "failed";
}
