import { isRetryableStatusCode } from "../api/retry.js";
import type { ApiStatus } from "../api/types.js";
import { StatusCode } from "../api/types.js";
import { type IndexState, indexStateOf } from "../plan/input-status.js";

/** Per-input codes that mean the input was accepted and is (or will be) indexed. */
const ACCEPTED = new Set<number>([
  StatusCode.SUCCESS,
  StatusCode.INPUT_SUCCESS,
  StatusCode.INPUT_PENDING,
  StatusCode.INPUT_IN_PROGRESS,
  StatusCode.INPUT_MODIFY_SUCCESS,
  30201, // INPUT_MODIFY_PENDING
]);

/**
 * Per-input codes worth another try: the server was busy, not the input wrong. The same codes the
 * client retries for a whole request, plus the database's transient errors and 39998.
 */
export function isRetryableInputStatus(code: number): boolean {
  return (
    isRetryableStatusCode(code) ||
    code === 39998 ||
    (code >= 40011 && code <= 40017) ||
    code === StatusCode.INTERNAL_UNCATEGORIZED
  );
}

export function isAcceptedInputStatus(status: ApiStatus | undefined): boolean {
  return status === undefined || ACCEPTED.has(Number(status.code));
}

/**
 * The API answers a taken id with "Input has a duplicate ID." (its code is not documented:
 * 30100 or 40010 are both plausible, reference §10.1), so we look at both the code and the words.
 */
export function isDuplicateIdStatus(status: ApiStatus | undefined): boolean {
  if (status === undefined) return false;
  const words = `${status.description ?? ""} ${status.details ?? ""}`;
  if (/duplicate (input )?id/i.test(words)) return true;
  return Number(status.code) === StatusCode.DATABASE_DUPLICATE_KEY;
}

export type { IndexState } from "../plan/input-status.js";

export function indexState(status: ApiStatus | undefined): IndexState {
  return indexStateOf(status?.code);
}

export function describeStatus(status: ApiStatus | undefined): string {
  if (status === undefined) return "no status";
  const words = [status.description, status.details]
    .filter((w) => w !== undefined && w !== "")
    .join(": ");
  return words === "" ? `status ${status.code}` : words;
}
