/**
 * The 64-bit fingerprint of an input's key (input-key.ts) taken from the values themselves, not
 * from the key's text: a walk that feeds a {@link Fingerprinter} each value with a tag (strings
 * with their length, numbers as their 64 bits, object keys sorted, arrays in order). Two keys
 * are the same text exactly when their values walk the same: concepts as a set (by id, of a
 * repeated id the last listed), metadata with key order ignored, numbers as numbers (`-0` is `0`),
 * members whose value JSON leaves out (undefined, functions) left out, and non-finite numbers
 * as `null`. Several times cheaper than writing the JSON text and fingerprinting it: the planner
 * takes it of every declared and every live input. Pure.
 */
import { Fingerprinter } from "../util/fingerprint.js";
import { type ConceptLike, conceptOrder, conceptValue } from "./input-key.js";

const STRING = 1;
const NUMBER = 2;
const NULL = 3;
const TRUE = 4;
const FALSE = 5;
const ARRAY = 6;
const OBJECT = 7;
/** Ends an array, an object or the concepts. */
const END = 8;
const CONCEPTS = 9;
/** Before an object's key: after a value comes either a key or the end, never ambiguously. */
const KEY = 10;

export class KeyFingerprinter {
  private readonly to = new Fingerprinter();
  private readonly number = new Float64Array(1);
  private readonly halves = new Int32Array(this.number.buffer);

  /** The lanes of the last {@link finish} (as {@link Fingerprinter}'s). */
  get lo(): number {
    return this.to.lo;
  }

  get hi(): number {
    return this.to.hi;
  }

  /** The fingerprint of the key of `concepts` and `metadata` (without its `skipKey`). */
  of(concepts: readonly ConceptLike[] | undefined, metadata: unknown, skipKey?: string): this {
    this.start().addConcepts(concepts);
    this.addMetadata(metadata, skipKey);
    return this.finish();
  }

  start(): this {
    this.to.start();
    return this;
  }

  /** Adds concepts as a key holds them: by id, of a repeated id the last listed. */
  addConcepts(concepts: readonly ConceptLike[] | undefined): this {
    this.to.addCode(CONCEPTS);
    if (concepts !== undefined && concepts.length > 0) {
      for (const position of conceptOrder(concepts)) this.addConcept(concepts[position]);
    }
    this.to.addCode(END);
    return this;
  }

  /**
   * Adds concepts in their listed order, which must be the key's (ids strictly ascending, values
   * numbers): what apply writes. False when it is not (the caller takes {@link addConcepts}).
   */
  addConceptsAsListed(concepts: readonly ConceptLike[] | undefined): boolean {
    this.to.addCode(CONCEPTS);
    if (concepts !== undefined) {
      let previous: string | undefined;
      for (const concept of concepts) {
        const { id, value } = concept;
        if (typeof id !== "string" || (value !== undefined && typeof value !== "number")) {
          return false;
        }
        if (previous !== undefined && !(previous < id)) return false;
        previous = id;
        this.addConcept(concept);
      }
    }
    this.to.addCode(END);
    return true;
  }

  /** Adds metadata (`undefined`: none, `{}`), leaving out its top-level `skipKey`. */
  addMetadata(metadata: unknown, skipKey?: string): this {
    this.addValue(metadata === undefined ? {} : metadata, skipKey);
    return this;
  }

  finish(): this {
    this.to.finish();
    return this;
  }

  private addConcept(concept: ConceptLike | undefined): void {
    if (concept === undefined) return;
    this.addValue(concept.id);
    this.addNumber(conceptValue(concept.value));
  }

  private addNumber(value: number): void {
    if (!Number.isFinite(value)) {
      this.to.addCode(NULL);
      return;
    }
    // `-0` is written `0`.
    this.number[0] = value === 0 ? 0 : value;
    this.to
      .addCode(NUMBER)
      .addCode(this.halves[0] as number)
      .addCode(this.halves[1] as number);
  }

  private addValue(value: unknown, skipKey?: string): void {
    switch (typeof value) {
      case "string":
        this.to.addCode(STRING).addCode(value.length).add(value);
        return;
      case "number":
        this.addNumber(value);
        return;
      case "boolean":
        this.to.addCode(value ? TRUE : FALSE);
        return;
      case "object":
        break;
      default:
        // JSON has no undefined, function or symbol: `null` where it writes one.
        this.to.addCode(NULL);
        return;
    }
    if (value === null) {
      this.to.addCode(NULL);
      return;
    }
    if (Array.isArray(value)) {
      this.to.addCode(ARRAY);
      for (const item of value) this.addValue(item);
      this.to.addCode(END);
      return;
    }
    const record = value as Record<string, unknown>;
    const keys = sortedKeys(record);
    this.to.addCode(OBJECT);
    for (const key of keys) {
      if (key === skipKey) continue;
      const member = record[key];
      // Members JSON leaves out.
      if (member === undefined || typeof member === "function" || typeof member === "symbol") {
        continue;
      }
      this.to.addCode(KEY).addCode(key.length).add(key);
      this.addValue(member);
    }
    this.to.addCode(END);
  }
}

/**
 * An object's own keys in code-unit order (by insertion: most objects have a few). Written out
 * rather than through canonical-json's `sortByInsertion`: its comparison callback costs this hot
 * path (a million objects a plan) about a third more, measured.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
