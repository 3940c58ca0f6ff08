/**
 * PatchInputs' effect on an input's data (reference §5), as pure functions over plain values.
 * Inputs are never mutated; every function returns fresh objects.
 */
import type { JsonObject, JsonValue, PatchAction } from "../api/types.js";
import type { GeoPoint, ParsedConcept, ParsedData } from "./input-parse.js";

export interface StoredConcept {
  id: string;
  name: string;
  value: number;
}

/** The patchable part of a stored input. Empty concepts/metadata are rendered as absent. */
export interface StoredData {
  concepts: StoredConcept[];
  metadata: JsonObject;
  geo?: GeoPoint;
}

/** An own key's value: a metadata key named `__proto__` or `constructor` is ordinary data. */
function own(object: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Sets an own data property (assigning to `__proto__` would change the prototype instead). */
function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A list element that lists match by id (like concepts). */
function itemId(value: JsonValue): string | number | undefined {
  if (!isObject(value)) return undefined;
  const id = value.id;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

/** A concept as stored: the name falls back to the id. */
export function storedConcept(c: ParsedConcept, previous?: StoredConcept): StoredConcept {
  const name = c.name !== "" ? c.name : (previous?.name ?? c.id);
  return { id: c.id, name, value: c.value };
}

// ---- merge ----

function mergeList(base: JsonValue[], patch: JsonValue[]): JsonValue[] {
  const out = [...base];
  for (const item of patch) {
    const id = itemId(item);
    const at = id === undefined ? -1 : out.findIndex((existing) => itemId(existing) === id);
    if (at >= 0) out[at] = mergeValue(out[at], item) ?? null;
    else out.push(mergeValue(undefined, item) ?? null);
  }
  return out;
}

/** Merge rule for one metadata value; `undefined` = leave the key out. */
function mergeValue(base: JsonValue | undefined, patch: JsonValue): JsonValue | undefined {
  if (patch === null) return base;
  if (isObject(patch)) {
    const keys = Object.keys(patch);
    if (keys.length === 0) return {};
    const out: JsonObject = isObject(base) ? { ...base } : {};
    for (const key of keys) {
      const merged = mergeValue(own(out, key), own(patch, key)!);
      if (merged === undefined) delete out[key];
      else setOwn(out, key, merged);
    }
    return out;
  }
  if (Array.isArray(patch)) {
    if (patch.length === 0) return [];
    return mergeList(Array.isArray(base) ? base : [], patch);
  }
  return patch;
}

/** `merge` on metadata: recursive; null no-op; `{}`/`[]` replace; non-empty lists append. */
export function mergeMetadata(base: JsonObject, patch: JsonObject): JsonObject {
  return mergeValue(base, patch) as JsonObject;
}

// ---- remove ----

function removeList(base: JsonValue[], patch: JsonValue[]): JsonValue[] {
  const removedIds = new Set(patch.map(itemId).filter((id) => id !== undefined));
  const kept = base.filter((item) => {
    const id = itemId(item);
    return id === undefined || !removedIds.has(id);
  });
  return [...kept, ...patch.filter((item) => itemId(item) === undefined)];
}

/** `remove` on metadata: a `true` leaf deletes its key; other scalars overwrite; null/{} do nothing. */
export function removeMetadata(base: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === true) {
      delete out[key];
    } else if (value === null) {
      // nothing
    } else if (isObject(value)) {
      if (Object.keys(value).length === 0) continue;
      const current = own(out, key);
      if (isObject(current)) {
        setOwn(out, key, removeMetadata(current, value));
      } else {
        const created = removeMetadata({}, value);
        if (Object.keys(created).length > 0) setOwn(out, key, created);
      }
    } else if (Array.isArray(value)) {
      if (value.length === 0) continue;
      const current = own(out, key);
      setOwn(out, key, removeList(Array.isArray(current) ? current : [], value));
    } else {
      setOwn(out, key, value);
    }
  }
  return out;
}

// ---- concepts ----

function mergeConcepts(base: StoredConcept[], patch: ParsedConcept[]): StoredConcept[] {
  const out = [...base];
  for (const c of patch) {
    const at = out.findIndex((existing) => existing.id === c.id);
    if (at >= 0) out[at] = storedConcept(c, out[at]);
    else out.push(storedConcept(c));
  }
  return out;
}

/** Applies one patched input's data to the stored data, per `action`. */
export function applyPatch(stored: StoredData, patch: ParsedData, action: PatchAction): StoredData {
  switch (action) {
    case "merge": {
      const out: StoredData = {
        concepts: patch.concepts ? mergeConcepts(stored.concepts, patch.concepts) : stored.concepts,
        metadata: patch.metadata ? mergeMetadata(stored.metadata, patch.metadata) : stored.metadata,
      };
      const geo = patch.geo ?? stored.geo;
      return geo ? { ...out, geo } : out;
    }
    case "overwrite": {
      const out: StoredData = {
        concepts: (patch.concepts ?? []).map((c) => storedConcept(c)),
        metadata: patch.metadata ?? {},
      };
      return patch.geo ? { ...out, geo: patch.geo } : out;
    }
    case "remove": {
      const removed = new Set((patch.concepts ?? []).map((c) => c.id));
      const out: StoredData = {
        concepts: stored.concepts.filter((c) => !removed.has(c.id)),
        metadata: patch.metadata
          ? removeMetadata(stored.metadata, patch.metadata)
          : stored.metadata,
      };
      return stored.geo && !patch.geo ? { ...out, geo: stored.geo } : out;
    }
  }
}
