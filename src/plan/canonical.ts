import type { JsonObject, JsonValue } from "../api/types.js";
import { setOwnKey } from "../util/own-key.js";

export { canonicalJson, sortKeysDeep } from "../util/canonical-json.js";

import { OWNERSHIP_KEY, type OwnershipMarker } from "./types.js";

/** The user's part of an input's metadata: everything but the reserved ownership key. */
export function userMetadata(
  metadata: JsonObject | Record<string, unknown> | undefined,
): JsonObject {
  const out: JsonObject = {};
  if (metadata === undefined || metadata === null) return out;
  for (const [key, value] of Object.entries(metadata)) {
    if (key !== OWNERSHIP_KEY && value !== undefined) setOwnKey(out, key, value as JsonValue);
  }
  return out;
}

/** The ownership marker of a live input's metadata, or undefined when absent or malformed. */
export function readOwnershipMarker(
  metadata: JsonObject | Record<string, unknown> | undefined,
): OwnershipMarker | undefined {
  const raw = metadata?.[OWNERSHIP_KEY];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const { manifest, sha256 } = raw as Record<string, unknown>;
  if (typeof manifest !== "string") return undefined;
  return typeof sha256 === "string" ? { manifest, sha256 } : { manifest };
}

/**
 * Whether two JSON values are equal as JSON: object key order never matters, arrays keep their
 * order, numbers compare as numbers (so `100` and `100.0` are equal). Members whose value is
 * `undefined`, and the key `skipKey` at the top level, are ignored. Decides the same as comparing
 * {@link canonicalJson} texts, without building them: the planner calls it once per live input.
 */
export function jsonEqual(a: unknown, b: unknown, skipKey?: string): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    return (
      typeof a === "number" && typeof b === "number" && !Number.isFinite(a) && !Number.isFinite(b)
    );
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      // JSON writes an undefined array item as null.
      if (!jsonEqual(a[i] === undefined ? null : a[i], b[i] === undefined ? null : b[i]))
        return false;
    }
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const key in ao) {
    if (key === skipKey || ao[key] === undefined) continue;
    if (!Object.hasOwn(bo, key) || !jsonEqual(ao[key], bo[key])) return false;
    count++;
  }
  for (const key in bo) {
    if (key !== skipKey && bo[key] !== undefined) count--;
  }
  return count === 0;
}
