import { StatusCode } from "./types.js";

/**
 * Name ↔ number for the status codes `dataset` knows: the one table the client (reading replies)
 * and the emulator (reading `status.code` query parameters) share. The API's JSON normally carries
 * numbers but may carry enum names (reference §1), including aliases such as
 * `INPUT_DOWNLOAD_SUCCESS`.
 */
const ALIASES: Record<string, number> = {
  INPUT_DOWNLOAD_SUCCESS: StatusCode.INPUT_SUCCESS,
  INPUT_DOWNLOAD_PENDING: StatusCode.INPUT_PENDING,
  INPUT_DOWNLOAD_FAILED: StatusCode.INPUT_FAILED,
  INPUT_DOWNLOAD_IN_PROGRESS: StatusCode.INPUT_IN_PROGRESS,
  INPUT_STATUS_UPDATE_FAILED: 30004,
  INPUT_DELETE_FAILED: 30005,
  INPUT_PERMISSION_DENIED: 30103,
  INPUT_MODIFY_PENDING: 30201,
  INPUT_MODIFY_FAILED: 30203,
  INPUT_STORAGE_HOST_FAILED: 30210,
  INPUT_WRITES_DISABLED_FOR_MAINTENANCE: 39998,
  INPUT_UNCATEGORIZED: 99003,
  NOT_IMPLEMENTED: 10040,
  CONN_EXCEED_MONTHLY_LIMIT: 11004,
  CONN_EXCEEDS_LIMITS: 11006,
  RPC_MAX_MESSAGE_SIZE_EXCEEDED: 40033,
  ZERO: 0,
};

const NUMBER_BY_NAME = new Map<string, number>([
  ...Object.entries(StatusCode),
  ...Object.entries(ALIASES),
]);

const NAME_BY_NUMBER = new Map<number, string>();
for (const [name, code] of NUMBER_BY_NAME) {
  // The first name wins, so the canonical names of types.ts are preferred over aliases.
  if (!NAME_BY_NUMBER.has(code)) NAME_BY_NUMBER.set(code, name);
}

/** The enum name of a status code (`11008` → `CONN_KEY_INVALID`), when `dataset` knows it. */
export function statusCodeName(code: number): string | undefined {
  return NAME_BY_NUMBER.get(code);
}

/**
 * A status code as sent by the API: a non-negative integer, a numeric string, or an enum name.
 * Returns `undefined` for anything else (an unknown name included).
 */
export function parseStatusCode(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  return NUMBER_BY_NAME.get(value);
}
