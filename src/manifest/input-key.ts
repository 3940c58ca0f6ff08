/**
 * The comparison key of an input's concepts and user metadata: one string that two inputs share
 * exactly when the planner must call them the same — concepts as a set of (id, value), metadata
 * as JSON with object key order ignored, arrays in order, numbers as numbers. The planner keeps
 * this string per declared input instead of the objects (a million inputs), compares it with the
 * live input's, and parses it back only for the inputs that change. Pure.
 */
import type { JsonObject } from "../api/types.js";
import { withSortedKeys } from "../util/canonical-json.js";

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
export function conceptValue(value: number | boolean | undefined): number {
  return value === undefined ? 1 : Number(value);
}

/** The concepts part: `[[id, value], …]` by id, of a repeated id the last listed (written directly). */
function conceptsText(concepts: readonly ConceptLike[] | undefined): string {
  if (concepts === undefined || concepts.length === 0) return "[]";
  if (concepts.length === 1) return `[${pairText(concepts[0] as ConceptLike)}]`;
  let text = "[";
  for (const position of conceptOrder(concepts)) {
    const concept = concepts[position] as ConceptLike;
    text += text.length === 1 ? pairText(concept) : `,${pairText(concept)}`;
  }
  return `${text}]`;
}

/**
 * The positions of the concepts a key holds, by id: of a repeated id, the last listed. Sorted
 * stably, by insertion (a key sorts two or three concepts), written out: through canonical-json's
 * `sortByInsertion` and its callback the concepts part took about twice as long, measured.
 */
export function conceptOrder(concepts: readonly ConceptLike[]): number[] {
  const count = concepts.length;
  const order: number[] = [];
  if (count > 16) {
    for (let i = 0; i < count; i++) order.push(i);
    const idAt = (i: number) => (concepts[i] as ConceptLike).id;
    order.sort((a, b) => (idAt(a) < idAt(b) ? -1 : idAt(a) > idAt(b) ? 1 : a - b));
  }
  for (let i = order.length; i < count; i++) {
    const id = (concepts[i] as ConceptLike).id;
    let j = i - 1;
    while (j >= 0 && (concepts[order[j] as number] as ConceptLike).id > id) {
      order[j + 1] = order[j] as number;
      j--;
    }
    order[j + 1] = i;
  }
  // Of a repeated id, the last listed (last of its run, the sort being stable) wins.
  let kept = 0;
  for (let k = 0; k < count; k++) {
    const position = order[k] as number;
    const next = order[k + 1];
    if (
      next !== undefined &&
      (concepts[next] as ConceptLike).id === (concepts[position] as ConceptLike).id
    ) {
      continue;
    }
    order[kept++] = position;
  }
  order.length = kept;
  return order;
}

/** A concept as a key reads it. */
export type ConceptLike = { readonly id: string; readonly value?: number | boolean };

/** `[id, value]` as JSON.stringify writes it. */
function pairText(concept: ConceptLike): string {
  const value = conceptValue(concept.value);
  return `[${JSON.stringify(concept.id)},${Number.isFinite(value) ? String(value) : "null"}]`;
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
  return JSON.stringify(withSortedKeys(top)) ?? "null";
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
