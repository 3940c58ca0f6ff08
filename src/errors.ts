/**
 * The project's one error model. Every error a user can act on is a {@link UserError} with a
 * stable {@link ErrorCode}; the CLI entry prints `error: <message>` (and `hint: …`) and exits 1,
 * without a stack trace unless DEBUG=dataset. The core throws these; only the CLI prints them.
 */

/** Every known error code. A new failure a user can act on gets a code here, not a new string. */
export type ErrorCode =
  /** A flag or option value is not valid (also the emulator's options). */
  | "bad-flag"
  /** A file the command was given does not exist. */
  | "not-found"
  /** The argument is not a manifest: a saved plan or a directory (the message says which). */
  | "not-a-manifest"
  /** A file exists but cannot be read (permission, a directory, an I/O error). */
  | "unreadable"
  /** The manifest has problems; they were printed one per line before this error. */
  | "invalid-manifest"
  /** No token for a real API base. */
  | "no-credentials"
  /** No target app (user id / app id). */
  | "no-app"
  /** A saved plan file is not a valid plan. */
  | "plan-invalid"
  /** A saved plan file is too large to read. */
  | "plan-too-large"
  /** A saved plan no longer matches the app or the files. */
  | "stale-plan"
  /** A saved plan was made for another app. */
  | "wrong-target"
  /** The plan holds creates that the API would refuse (a URL a live input keeps). */
  | "plan-conflicts"
  /** The mass-delete guard refused the plan. */
  | "mass-delete"
  /** Apply needs a confirmation and there is no terminal to ask on. */
  | "needs-confirmation"
  /** The emulator (or the embedded local app) could not start. */
  | "emulator-start"
  /** An optional dependency the command needs is not installed. */
  | "missing-dependency"
  /** The API answered with a failure (see `ApiError`). */
  | "api-error"
  /** The API could not be reached (see `NetworkError`). */
  | "network-error";

/** An error a user can act on: a one-line message, a stable code, and an optional hint. */
export class UserError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UserError";
    this.code = code;
    this.hint = options.hint;
  }
}

/**
 * How a command ended, when it did not throw. The CLI entry maps each to an exit code in one
 * exhaustive function; commands never choose exit codes themselves.
 */
export type Outcome =
  /** Done, nothing to report beyond what was printed. */
  | { readonly kind: "success" }
  /** `--detailed-exitcode`: the app differs from the manifest (changes, or inputs not yet indexed). */
  | { readonly kind: "differs" }
  /** The command reported its own failure (problems, failed inputs) and should exit non-zero. */
  | { readonly kind: "failed" }
  /** The user declined or cancelled at the prompt: nothing was changed. */
  | { readonly kind: "cancelled" }
  /** A signal stopped the command after it reported what was done. */
  | { readonly kind: "interrupted"; readonly signal: "SIGINT" | "SIGTERM" };

export const SUCCESS: Outcome = { kind: "success" };
export const DIFFERS: Outcome = { kind: "differs" };
export const FAILED: Outcome = { kind: "failed" };
export const CANCELLED: Outcome = { kind: "cancelled" };
