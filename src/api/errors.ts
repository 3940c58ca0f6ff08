import { UserError } from "../errors.js";
import { statusCodeName } from "./status-names.js";
import { StatusCode } from "./types.js";

/**
 * Errors the API client throws. Neither ever holds the token: they are built from the method, the
 * URL path (no query), the origin and the server's status, after the client has redacted the token
 * from any text it quotes. Both are `UserError`s, so the CLI prints their one-line message.
 */

/** What the client knows about a failed call when it builds an {@link ApiError}. */
export interface ApiErrorInit {
  method: string;
  /** The URL path, without query string. */
  path: string;
  httpStatus: number;
  /** The body's `status.code`, already parsed to a number; `undefined` when absent or unknown. */
  statusCode?: number | undefined;
  description?: string | undefined;
  details?: string | undefined;
  reqId?: string | undefined;
  /** The start of a body that was not JSON (or had no status), already redacted. */
  bodySnippet?: string | undefined;
  retryable: boolean;
  /** A `Retry-After` delay the server asked for, in milliseconds. */
  retryAfterMs?: number | undefined;
  /** Which attempt this was (1-based). */
  attempt?: number;
}

/** The API answered, but not with an outcome the caller can use. */
export class ApiError extends UserError {
  readonly method: string;
  readonly path: string;
  readonly httpStatus: number;
  /** Clarifai status code from the body (`status.code`), `undefined` when the body had none. */
  readonly statusCode: number | undefined;
  /** Enum name of {@link statusCode} when known, e.g. `CONN_KEY_INVALID`. */
  readonly statusName: string | undefined;
  readonly description: string | undefined;
  readonly details: string | undefined;
  readonly reqId: string | undefined;
  /** Whether another attempt could succeed (throttling, a server fault, a garbled body). */
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** How many attempts were made when this error was thrown. */
  readonly attempts: number;
  readonly bodySnippet: string | undefined;

  constructor(init: ApiErrorInit) {
    const statusName = init.statusCode === undefined ? undefined : statusCodeName(init.statusCode);
    super("api-error", formatApiErrorMessage({ ...init, statusName }), { hint: hintFor(init) });
    this.name = "ApiError";
    this.method = init.method;
    this.path = init.path;
    this.httpStatus = init.httpStatus;
    this.statusCode = init.statusCode;
    this.statusName = statusName;
    this.description = init.description;
    this.details = init.details;
    this.reqId = init.reqId;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempt ?? 1;
    this.bodySnippet = init.bodySnippet;
  }

  /** Whether the server said we are sending too fast (HTTP 429 or CONN_THROTTLED). */
  get throttled(): boolean {
    return this.httpStatus === 429 || this.statusCode === StatusCode.CONN_THROTTLED;
  }
}

/**
 * `GET /v2/users/u/apps/a/inputs/stream failed: HTTP 401, CONN_KEY_INVALID (11008) "API key not
 * found" (req_id 5d0f…)`.
 */
function formatApiErrorMessage(init: ApiErrorInit & { statusName: string | undefined }): string {
  const parts: string[] = [`HTTP ${init.httpStatus}`];
  if (init.statusCode !== undefined) {
    parts.push(
      init.statusName === undefined
        ? `status ${init.statusCode}`
        : `${init.statusName} (${init.statusCode})`,
    );
  } else if (init.bodySnippet !== undefined) {
    parts.push(
      init.bodySnippet === "" ? "empty body" : `unexpected body ${quote(init.bodySnippet)}`,
    );
  }
  let text = `${init.method} ${init.path} failed: ${parts.join(", ")}`;
  if (isAuthFailure(init)) text = `the API refused the credentials: ${text}`;
  else if (init.httpStatus === 403 || init.statusCode === StatusCode.CONN_INSUFFICIENT_SCOPES) {
    text = `the token is not allowed to do this: ${text}`;
  }
  const words = [init.description, init.details].filter((w) => w !== undefined && w !== "");
  if (words.length > 0) text += ` ${quote(words.join(": "))}`;
  const extras: string[] = [];
  if (init.reqId !== undefined && init.reqId !== "") extras.push(`req_id ${init.reqId}`);
  if ((init.attempt ?? 1) > 1) extras.push(`after ${init.attempt} attempts`);
  if (extras.length > 0) text += ` (${extras.join(", ")})`;
  return text;
}

function isAuthFailure(init: ApiErrorInit): boolean {
  const code = init.statusCode;
  return (
    init.httpStatus === 401 ||
    code === StatusCode.CONN_KEY_INVALID ||
    code === StatusCode.CONN_KEY_NOT_FOUND ||
    code === StatusCode.CONN_CREDENTIALS_INVALID ||
    code === 11001
  );
}

function hintFor(init: ApiErrorInit): string | undefined {
  const code = init.statusCode;
  if (isAuthFailure(init)) {
    return "check the personal access token (--pat or CLARIFAI_PAT) and the user and app ids";
  }
  if (init.httpStatus === 403 || code === StatusCode.CONN_INSUFFICIENT_SCOPES) {
    return "the token lacks a scope this needs (inputs read/write); create one with those scopes";
  }
  if (init.httpStatus === 429 || code === StatusCode.CONN_THROTTLED) {
    return "the API kept throttling: lower --max-rps or try again later";
  }
  if (init.retryable) return "the API had a transient problem; try again later";
  return undefined;
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** Why a request never got an answer. */
export type NetworkErrorKind =
  | "refused"
  | "unresolved"
  | "unreachable"
  | "reset"
  | "connect-timeout"
  | "headers-timeout"
  | "body-timeout"
  | "other";

/** What the client knows about a request that got no answer. */
export interface NetworkErrorInit {
  method: string;
  path: string;
  /** `https://api.clarifai.com` — scheme, host and port only. */
  origin: string;
  kind: NetworkErrorKind;
  /** The system or undici error code (`ECONNREFUSED`, `UND_ERR_SOCKET`…), when there was one. */
  errorCode?: string | undefined;
  /** A redacted, one-line description of the underlying error, for `other`. */
  reason?: string | undefined;
  /** The timeout that fired, for the timeout kinds. */
  timeoutMs?: number | undefined;
  attempt?: number;
  cause?: Error;
}

/** The API could not be reached, or stopped answering. */
export class NetworkError extends UserError {
  readonly method: string;
  readonly path: string;
  readonly origin: string;
  readonly kind: NetworkErrorKind;
  readonly errorCode: string | undefined;
  /** Resets and timeouts are worth retrying; refused and unresolved only a couple of times. */
  readonly retryable: boolean;
  readonly attempts: number;

  constructor(init: NetworkErrorInit) {
    const attempt = init.attempt ?? 1;
    const what = describeKind(init);
    const extras = [`${init.method} ${init.path}`];
    if (attempt > 1) extras.push(`after ${attempt} attempts`);
    super("network-error", `cannot reach ${init.origin}: ${what} (${extras.join(", ")})`, {
      hint: "check --api-base (or CLARIFAI_API_BASE) and the network",
      ...(init.cause === undefined ? {} : { cause: init.cause }),
    });
    this.name = "NetworkError";
    this.method = init.method;
    this.path = init.path;
    this.origin = init.origin;
    this.kind = init.kind;
    this.errorCode = init.errorCode;
    this.retryable = init.kind !== "other";
    this.attempts = attempt;
  }
}

function describeKind(init: NetworkErrorInit): string {
  const seconds = init.timeoutMs === undefined ? "" : ` ${formatSeconds(init.timeoutMs)}`;
  switch (init.kind) {
    case "refused":
      return "connection refused";
    case "unresolved":
      return "host name not found";
    case "unreachable":
      return "host unreachable";
    case "reset":
      return "connection reset";
    case "connect-timeout":
      return `no connection within${seconds || " the connect timeout"}`;
    case "headers-timeout":
      return `no response within${seconds || " the request timeout"}`;
    case "body-timeout":
      return `the response stalled for${seconds || " the request timeout"}`;
    case "other":
      return init.reason ?? init.errorCode ?? "request failed";
    default: {
      const unreachable: never = init.kind;
      return unreachable;
    }
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
