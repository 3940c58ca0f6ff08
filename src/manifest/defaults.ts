/** `defaults:` merged into an input: the input's fields win, metadata is deep-merged. Pure. */
import type { JsonObject, JsonValue } from "../api/types.js";
import { setOwnKey } from "../util/own-key.js";
import type { DesiredConcept } from "./types.js";

/**
 * Deep-merges `override` into `base`: mappings merge key by key, anything else (lists
 * included) from `override` replaces. Where both have keys the result is fresh objects. With no
 * defaults the input's own metadata is returned as it is: nothing downstream mutates desired
 * metadata (the planner is pure and copies what it writes), so values that YAML aliases share
 * between inputs stay safe, and a million inputs are not copied once more.
 */
export function mergeMetadata(base: JsonObject, override: JsonObject): JsonObject {
  if (Object.keys(base).length === 0) return override;
  const merged: JsonObject = {};
  for (const [key, value] of Object.entries(base)) setOwnKey(merged, key, cloneJson(value));
  for (const [key, value] of Object.entries(override)) {
    const existing = Object.hasOwn(merged, key) ? merged[key] : undefined;
    setOwnKey(
      merged,
      key,
      isJsonObject(existing) && isJsonObject(value)
        ? mergeMetadata(existing, value)
        : cloneJson(value),
    );
  }
  return merged;
}

/** The input's concepts, then the defaults' concepts it does not list itself (shared, read-only). */
export function mergeConcepts(
  defaults: readonly DesiredConcept[],
  own: readonly DesiredConcept[],
): DesiredConcept[] {
  const merged = [...own];
  const listed = new Set(own.map((concept) => concept.id));
  for (const concept of defaults) if (!listed.has(concept.id)) merged.push(concept);
  return merged;
}

function cloneJson(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) setOwnKey(copy, key, cloneJson(item));
    return copy;
  }
  return value;
}

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
