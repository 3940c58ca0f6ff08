/**
 * The comparison key of an input's concepts and user metadata: one string that two inputs share
 * exactly when the planner must call them the same — concepts as a set of (id, value), metadata
 * as JSON with object key order ignored, arrays in order, numbers as numbers. The planner keeps
 * this string per declared input instead of the objects (a million inputs), compares it with the
 * live input's, and parses it back only for the inputs that change. Pure.
 */
import type { JsonObject } from "../api/types.js";
import { canonicalJson, sortByInsertion } from "../util/canonical-json.js";

/** A concept as the key holds it: `[id, value]`. */
type ConceptPair = [string, number];

/** Separates the concepts part from the metadata part (JSON text never holds a raw newline). */
export const PART_SEPARATOR = "\n";

/**
 * The key of concepts (distinct ids, or the last value of a repeated id wins) and user metadata
 * (the caller drops the reserved `_dataset` key, or names it in `skipKey`).
 */
export function inputKey(
  concepts: readonly { readonly id: string; readonly value?: number | boolean }[] | undefined,
  metadata: Readonly<Record<string, unknown>> | undefined,
  skipKey?: string,
): string {
  // Joined, not concatenated: V8 keeps `a + b` as a tree of pieces (a "rope") until it is read
  // whole, which costs more memory than the text itself; `join` writes one flat string.
  return [conceptsText(concepts), canonicalText(metadata ?? {}, skipKey)].join(PART_SEPARATOR);
}

/** The concepts part of a key (for telling which part differs). */
export function conceptsPart(key: string): string {
  return key.slice(0, key.indexOf(PART_SEPARATOR));
}

/** The concepts and metadata a key stands for: concepts sorted by id, metadata keys sorted. */
export function parseInputKey(key: string): {
  concepts: { id: string; value: number }[];
  metadata: JsonObject;
} {
  const cut = key.indexOf(PART_SEPARATOR);
  const pairs = JSON.parse(key.slice(0, cut)) as ConceptPair[];
  const metadata = JSON.parse(key.slice(cut + 1)) as JsonObject;
  return { concepts: pairs.map(([id, value]) => ({ id, value })), metadata };
}

/** A concept's value as a number: missing is the API's default 1, booleans are 1 and 0. */
function conceptValue(value: number | boolean | undefined): number {
  return value === undefined ? 1 : Number(value);
}

function conceptsText(
  concepts: readonly { readonly id: string; readonly value?: number | boolean }[] | undefined,
): string {
  if (concepts === undefined || concepts.length === 0) return "[]";
  const pairs: ConceptPair[] = concepts.map((c) => [c.id, conceptValue(c.value)]);
  // Stable: of a repeated id, the last listed stays last of its run and wins below.
  sortByInsertion(pairs, (a, b) => a[0] > b[0]);
  let distinct = pairs;
  for (let i = 1; i < pairs.length; i++) {
    if ((pairs[i] as ConceptPair)[0] === (pairs[i - 1] as ConceptPair)[0]) {
      distinct = pairs.filter((pair, j) => pair[0] !== pairs[j + 1]?.[0]);
      break;
    }
  }
  return JSON.stringify(distinct);
}

/**
 * JSON text with object keys sorted (by code unit) at every depth; `undefined` members are
 * dropped, undefined array items and non-finite numbers are `null`, as JSON.stringify writes them.
 * `skipKey` is dropped at the top level only.
 */
export function canonicalText(value: unknown, skipKey?: string): string {
  // Most values are canonical already (keys written sorted, as the API and the planner write
  // them): checking is cheaper than copying, and JSON.stringify then writes them as they are.
  let top = value;
  if (skipKey !== undefined && isPlainRecord(value) && Object.hasOwn(value, skipKey)) {
    const { [skipKey]: _skipped, ...rest } = value;
    top = rest;
  }
  return isSorted(top) ? (JSON.stringify(top) ?? "null") : canonicalJson(top);
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
