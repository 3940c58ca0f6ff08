/** The typed Clarifai inputs API client: create one with `createClient`, use it as `InputsApi`. */

export {
  type ApiClient,
  type ClientEvent,
  type ClientOptions,
  type ClientStats,
  createClient,
} from "./client.js";
export type { InputsApi } from "./client-types.js";
export {
  ApiError,
  type ApiErrorInit,
  type ClientError,
  isRetryable,
  NetworkError,
  type NetworkErrorInit,
  type NetworkErrorKind,
} from "./errors.js";
export { HostedImageError, HostedImageRefused, mayCarryToken } from "./hosted-image.js";
export { RateLimiter, type RateLimiterOptions } from "./rate-limiter.js";
export {
  backoffDelayMs,
  classifyFailure,
  defaultRetryOptions,
  isRetryableHttpStatus,
  isRetryableStatusCode,
  parseRetryAfter,
  type RetryDecision,
  type RetryNotice,
  type RetryOptions,
  withRetry,
} from "./retry.js";
export { parseStatusCode, statusCodeName } from "./status-names.js";
