/** Canonical JSON text: the one spelling of a JSON value that equal values share. Pure. */
import { setOwnKey } from "./own-key.js";

/**
 * A copy of a JSON value with object keys sorted at every depth; arrays keep their order.
 * `undefined` members are dropped and non-finite numbers become `null`, as JSON.stringify does.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (value === null || typeof value !== "object") {
    return typeof value === "number" && !Number.isFinite(value) ? null : value;
  }
  if (Array.isArray(value))
    return value.map((item) => (item === undefined ? null : sortKeysDeep(item)));
  const out: Record<string, unknown> = {};
  for (const key of sortByInsertion(Object.keys(value), (a, b) => a > b)) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) setOwnKey(out, key, sortKeysDeep(member));
  }
  return out;
}

/**
 * Canonical JSON text: keys sorted at every depth, arrays in order, numbers as JS numbers (so the
 * API's double `100.0` and the manifest's `100` are the same). `indent` pretty-prints.
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeysDeep(value), null, indent) ?? "null";
}

/**
 * `items` sorted in place, stably. A few by insertion: Array.prototype.sort allocates about a
 * kilobyte of sort state per call, and a key sorts two or three small arrays per input (a
 * million inputs).
 */
function sortByInsertion<T>(items: T[], after: (a: T, b: T) => boolean): T[] {
  if (items.length > 16) return items.sort((a, b) => (after(a, b) ? 1 : after(b, a) ? -1 : 0));
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as T;
    let j = i - 1;
    while (j >= 0 && after(items[j] as T, item)) {
      items[j + 1] = items[j] as T;
      j--;
    }
    items[j + 1] = item;
  }
  return items;
}

/**
 * `value` itself when its object keys are sorted at every depth already (as the API and the
 * planner write them: checking is cheaper than copying), else {@link sortKeysDeep}'s copy.
 */
export function withSortedKeys(value: unknown): unknown {
  return isSorted(value) ? value : sortKeysDeep(value);
}

/** Whether every object's keys are listed in code-unit order, at every depth. */
function isSorted(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!isSorted(item)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  let previous: string | undefined;
  for (const key in record) {
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    if (!isSorted(record[key])) return false;
  }
  return true;
}
