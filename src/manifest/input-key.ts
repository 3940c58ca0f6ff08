/**
 * The comparison key of an input's concepts and user metadata: one string that two inputs share
 * exactly when the planner must call them the same — concepts as a set of (id, value), metadata
 * as JSON with object key order ignored, arrays in order, numbers as numbers. The planner keeps
 * this string per declared input instead of the objects (a million inputs), compares it with the
 * live input's, and parses it back only for the inputs that change. Pure.
 */
import type { JsonObject } from "../api/types.js";

/** A concept as the key holds it: `[id, value]`. */
type ConceptPair = [string, number];

/** Separates the concepts part from the metadata part (JSON text never holds a raw newline). */
const PART_SEPARATOR = "\n";

/**
 * The key of concepts (distinct ids, or the last value of a repeated id wins) and user metadata
 * (the caller drops the reserved `_dataset` key, or names it in `skipKey`).
 */
export function inputKey(
  concepts: readonly { readonly id: string; readonly value?: number | boolean }[] | undefined,
  metadata: Readonly<Record<string, unknown>> | undefined,
  skipKey?: string,
): string {
  // Parts joined once: `+=` would leave a tree of small strings per key that the planner holds
  // for every input (and a scavenger copies node by node); `join` makes one flat string.
  const out: string[] = [];
  writeConcepts(concepts, out);
  out.push(PART_SEPARATOR);
  writeCanonical(metadata ?? {}, skipKey, out);
  return out.join("");
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

function writeConcepts(
  concepts: readonly { readonly id: string; readonly value?: number | boolean }[] | undefined,
  out: string[],
): void {
  if (concepts === undefined || concepts.length === 0) {
    out.push("[]");
    return;
  }
  const byId = new Map<string, number>();
  for (const concept of concepts) byId.set(concept.id, conceptValue(concept.value));
  const ids = sortTexts([...byId.keys()]);
  out.push("[");
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    out.push(i > 0 ? ",[" : "[", JSON.stringify(id), ",", numberText(byId.get(id) as number), "]");
  }
  out.push("]");
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `texts` sorted by code unit, in place. A few by insertion: Array.prototype.sort allocates about
 * a kilobyte of sort state per call, and a key sorts two or three small arrays per input (a
 * million inputs).
 */
function sortTexts(texts: string[]): string[] {
  if (texts.length > 16) return texts.sort(compareText);
  for (let i = 1; i < texts.length; i++) {
    const text = texts[i] as string;
    let j = i - 1;
    while (j >= 0 && (texts[j] as string) > text) {
      texts[j + 1] = texts[j] as string;
      j--;
    }
    texts[j + 1] = text;
  }
  return texts;
}

function numberText(value: number): string {
  return Number.isFinite(value) ? String(value) : "null";
}

/**
 * JSON text with object keys sorted (by code unit) at every depth; `undefined` members are
 * dropped, undefined array items and non-finite numbers are `null`, as JSON.stringify writes them.
 * `skipKey` is dropped at the top level only.
 */
export function canonicalText(value: unknown, skipKey?: string): string {
  const out: string[] = [];
  writeCanonical(value, skipKey, out);
  return out.join("");
}

function writeCanonical(value: unknown, skipKey: string | undefined, out: string[]): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "number":
      out.push(numberText(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "object":
      break;
    default:
      out.push("null");
      return;
  }
  if (Array.isArray(value)) {
    out.push("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(",");
      const item: unknown = value[i];
      if (item === undefined) out.push("null");
      else writeCanonical(item, undefined, out);
    }
    out.push("]");
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = sortTexts(Object.keys(record));
  out.push("{");
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || key === skipKey) continue;
    out.push(first ? "" : ",", JSON.stringify(key), ":");
    first = false;
    writeCanonical(member, undefined, out);
  }
  out.push("}");
}
