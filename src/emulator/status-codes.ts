/**
 * The Clarifai status codes the emulator emits or accepts, with the description it sends and the
 * HTTP status it pairs with each (reference §6; unknown pairings follow the §9 guesses).
 */

export const Code = {
  SUCCESS: 10000,
  MIXED_STATUS: 10010,
  FAILURE: 10020,
  NOT_IMPLEMENTED: 10040,
  CONN_THROTTLED: 11005,
  CONN_KEY_INVALID: 11008,
  CONN_KEY_NOT_FOUND: 11009,
  CONN_BAD_REQUEST_FORMAT: 11100,
  CONN_DOES_NOT_EXIST: 11101,
  CONN_INVALID_REQUEST: 11102,
  CONN_METHOD_NOT_ALLOWED: 11103,
  CONN_INVALID_RANGE: 11105,
  INPUT_SUCCESS: 30000,
  INPUT_PENDING: 30001,
  INPUT_FAILED: 30002,
  INPUT_IN_PROGRESS: 30003,
  INPUT_DUPLICATE: 30100,
  INPUT_UNSUPPORTED_FORMAT: 30101,
  INPUT_DOES_NOT_EXIST: 30102,
  INPUT_INVALID_ARGUMENT: 30104,
  INPUT_OVER_LIMIT: 30105,
  INPUT_INVALID_URL: 30106,
  INPUT_MODIFY_SUCCESS: 30200,
  ALL_INPUT_INVALID_BYTES: 30300,
  INPUT_INVALID_REQUEST: 39999,
  RPC_REQUEST_QUEUE_FULL: 40030,
  RPC_SERVER_UNAVAILABLE: 40031,
  RPC_REQUEST_TIMEOUT: 40032,
  RPC_MAX_MESSAGE_SIZE_EXCEEDED: 40033,
  INTERNAL_SERVER_ISSUE: 98004,
} as const;

const descriptions: Record<number, string> = {
  10000: "Ok",
  10010: "Mixed Success",
  10020: "Failure",
  10040: "Not implemented",
  11005: "Making too many requests",
  11008: "Invalid API key or Invalid API key/application pair",
  11009: "API key not found",
  11100: "Bad request format",
  11101: "Resource does not exist",
  11102: "Invalid request",
  11103: "Method not allowed",
  11105: "Invalid range",
  30000: "Download complete",
  30001: "Download pending",
  30002: "Download failed; check URL",
  30003: "Download in progress",
  30100: "Duplicate URL in your application. Check the documentation to allow duplications.",
  30101: "Unsupported input format",
  30102: "Input does not exist",
  30104: "Invalid input argument",
  30105: "Input over limit",
  30106: "Invalid URL",
  30200: "Input image modification success",
  30300: "All input bytes invalid",
  39999: "Invalid input request",
  40030: "Request queue is full",
  40031: "Server unavailable",
  40032: "Request timed out",
  40033: "Request too large",
  98004: "Internal server issue",
};

/** The description the emulator sends with `code`. */
export function describe(code: number): string {
  return descriptions[code] ?? "Unknown status";
}

const httpByCode: Record<number, number> = {
  10000: 200,
  10010: 207,
  10020: 400,
  10040: 501,
  11005: 429,
  11008: 401,
  11009: 401,
  11100: 400,
  11101: 404,
  11102: 400,
  11103: 405,
  11105: 400,
  40030: 503,
  40031: 503,
  40032: 504,
  40033: 413,
  98004: 500,
};

/** The HTTP status paired with a top-level status code (400 when unknown). */
export function httpStatusFor(code: number): number {
  return httpByCode[code] ?? 400;
}

/**
 * Names accepted wherever the API takes a StatusCode enum (e.g. `status.code` in ListInputs),
 * including the deprecated aliases of the input lifecycle codes.
 */
const codeByName: Record<string, number> = {
  ...Code,
  INPUT_DOWNLOAD_SUCCESS: 30000,
  INPUT_DOWNLOAD_PENDING: 30001,
  INPUT_DOWNLOAD_FAILED: 30002,
  INPUT_DOWNLOAD_IN_PROGRESS: 30003,
  INPUT_STATUS_UPDATE_FAILED: 30004,
  INPUT_DELETE_FAILED: 30005,
  INPUT_PERMISSION_DENIED: 30103,
  INPUT_MODIFY_PENDING: 30201,
  INPUT_MODIFY_FAILED: 30203,
  INPUT_STORAGE_HOST_FAILED: 30210,
  INPUT_CONNECTION_FAILED: 39996,
  REQUEST_DISABLED_FOR_MAINTENANCE: 39997,
  ZERO: 0,
};

/** A StatusCode given as a number, a numeric string or an enum name; undefined when unknown. */
export function parseStatusCode(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  if (typeof value !== "string") return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  return codeByName[value];
}
