/**
 * The Clarifai status codes the emulator emits or accepts, with the description it sends and the
 * HTTP status it pairs with each (reference §6; unknown pairings follow the §9 guesses).
 */
import { StatusCode } from "../api/types.js";

/** The one table of status codes, shared with the client (`src/api/types.ts`). */
export const Code = StatusCode;

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
