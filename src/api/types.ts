/**
 * The Clarifai inputs API's JSON shapes (proto field names, snake_case), as far as `dataset` uses them.
 * Shared by the client, the planner and the emulator. See ../../shared/reference/clarifai-inputs-api.md.
 */

/** Any JSON value (google.protobuf.Value). */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** clarifai.api.status.Status */
export interface ApiStatus {
  code: number;
  description?: string;
  details?: string;
  req_id?: string;
}

export interface ApiConcept {
  id: string;
  name?: string;
  /** 1 = present, 0 = explicitly absent. The API always emits it. */
  value?: number;
  app_id?: string;
}

export interface ApiImage {
  url?: string;
  base64?: string;
  allow_duplicate_url?: boolean;
  hosted?: { prefix?: string; suffix?: string; sizes?: string[]; crossorigin?: string };
  image_info?: { width?: number; height?: number; format?: string; color_mode?: string };
}

export interface ApiData {
  image?: ApiImage;
  concepts?: ApiConcept[];
  metadata?: JsonObject;
  /** Geographic point; `dataset` never sets it, but keeps it on inputs it patches. */
  geo?: JsonObject;
}

/** clarifai.api.Input */
export interface ApiInput {
  id: string;
  data?: ApiData;
  created_at?: string;
  modified_at?: string;
  status?: ApiStatus;
}

/** clarifai.api.MultiInputResponse */
export interface MultiInputResponse {
  status: ApiStatus;
  inputs: ApiInput[];
}

/** clarifai.api.SingleInputResponse */
export interface SingleInputResponse {
  status: ApiStatus;
  input?: ApiInput;
}

export interface InputCounts {
  processed: number;
  to_process: number;
  errors: number;
  processing: number;
  reindexed: number;
  to_reindex: number;
  reindex_errors: number;
  reindexing: number;
}

/** clarifai.api.SingleInputCountResponse */
export interface SingleInputCountResponse {
  status: ApiStatus;
  counts: InputCounts;
}

/** clarifai.api.status.BaseResponse */
export interface BaseResponse {
  status: ApiStatus;
}

export type PatchAction = "merge" | "overwrite" | "remove";

/** Status codes `dataset` relies on (clarifai.api.status.StatusCode). */
export const StatusCode = {
  SUCCESS: 10000,
  MIXED_STATUS: 10010,
  FAILURE: 10020,
  TRY_AGAIN: 10030,
  NOT_IMPLEMENTED: 10040,
  CONN_ACCOUNT_ISSUES: 11000,
  CONN_CREDENTIALS_INVALID: 11002,
  CONN_EXCEED_HOURLY_LIMIT: 11003,
  CONN_THROTTLED: 11005,
  CONN_INSUFFICIENT_SCOPES: 11007,
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
  INPUT_CONNECTION_FAILED: 39996,
  REQUEST_DISABLED_FOR_MAINTENANCE: 39997,
  INPUT_INVALID_REQUEST: 39999,
  DATABASE_DUPLICATE_KEY: 40010,
  RPC_REQUEST_QUEUE_FULL: 40030,
  RPC_SERVER_UNAVAILABLE: 40031,
  RPC_REQUEST_TIMEOUT: 40032,
  RPC_MAX_MESSAGE_SIZE_EXCEEDED: 40033,
  INTERNAL_SERVER_ISSUE: 98004,
  INTERNAL_UNCATEGORIZED: 99009,
} as const;

/** The API's hard limits that client and emulator share. */
export const ApiLimits = {
  maxInputsPerRequest: 128,
  maxIdsPerDelete: 128,
  listPerPageDefault: 128,
  listPerPageMax: 1000,
  streamPerPageDefault: 20,
  streamPerPageMax: 1000,
  /**
   * An image must be smaller than this: the API documents "<20 MB each" (decimal), so a file of
   * exactly 20,000,000 bytes is refused. The one number for README, schema, loader and emulator.
   */
  maxImageBytes: 20_000_000,
  maxIdLength: 48,
} as const;
