/**
 * A fast, hand-written acceptor for the common input (a JSONL line, a CSV row): plain fields of
 * the right types, nothing unknown. It only ever says "valid"; anything else goes to ajv, which
 * then decides and words the problems, so messages are ajv's whatever this says. Built from the
 * schema's own definitions and patterns, and only when those are exactly the shape it knows:
 * a changed schema turns it off instead of letting it disagree. Pure.
 */
import { isRecord } from "../util/is-record.js";

/** `$defs` of the dataset schema this acceptor was written for, descriptions left out. */
const KNOWN_DEFS = {
  input: {
    type: "object",
    required: ["id"],
    additionalProperties: false,
    oneOf: [{ required: ["url"] }, { required: ["file"] }],
    properties: {
      id: { $ref: "#/$defs/inputId" },
      url: { $ref: "#/$defs/url" },
      file: { type: "string", minLength: 1 },
      concepts: { $ref: "#/$defs/concepts" },
      metadata: { $ref: "#/$defs/metadata" },
      allow_duplicate_url: { type: "boolean" },
    },
  },
  concepts: { type: "array", items: { $ref: "#/$defs/concept" } },
  concept: {
    type: ["string", "object"],
    if: { type: "string" },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, as data.
    then: { $ref: "#/$defs/conceptId" },
    required: ["id"],
    additionalProperties: false,
    properties: {
      id: { $ref: "#/$defs/conceptId" },
      value: { enum: [0, 1, true, false], default: 1 },
    },
  },
  metadata: { type: "object" },
} as const;

/** Definitions whose `pattern` the acceptor takes from the schema (ajv compiles them with `u`). */
const PATTERN_DEFS = ["inputId", "conceptId", "url"] as const;

/**
 * The acceptor for the schema's `$defs`, or undefined when they are not the shape it was written
 * for. `accepts(value)` true means ajv accepts `value` too; false means "ask ajv".
 */
export function plainInputAcceptor(
  defs: Record<string, unknown>,
): ((value: unknown) => boolean) | undefined {
  for (const [name, known] of Object.entries(KNOWN_DEFS)) {
    if (!sameJson(withoutDescriptions(defs[name]), known)) return undefined;
  }
  const patterns: RegExp[] = [];
  for (const name of PATTERN_DEFS) {
    const def = withoutDescriptions(defs[name]);
    if (!isRecord(def) || def.type !== "string" || typeof def.pattern !== "string")
      return undefined;
    if (Object.keys(def).length !== 2) return undefined;
    patterns.push(new RegExp(def.pattern, "u"));
  }
  const [inputId, conceptId, url] = patterns as [RegExp, RegExp, RegExp];

  const conceptsOk = (concepts: unknown): boolean => {
    if (!Array.isArray(concepts)) return false;
    for (let i = 0; i < concepts.length; i++) {
      const concept: unknown = concepts[i];
      if (typeof concept === "string") {
        if (!conceptId.test(concept)) return false;
        continue;
      }
      if (!isPlainObject(concept)) return false;
      let hasId = false;
      for (const key in concept) {
        const field = concept[key];
        if (key === "id") {
          if (typeof field !== "string" || !conceptId.test(field)) return false;
          hasId = true;
        } else if (key === "value") {
          if (field !== 0 && field !== 1 && field !== true && field !== false) return false;
        } else return false;
      }
      if (!hasId) return false;
    }
    return true;
  };

  return (value) => {
    if (!isPlainObject(value)) return false;
    let hasId = false;
    let images = 0;
    for (const key in value) {
      const field = value[key];
      switch (key) {
        case "id":
          if (typeof field !== "string" || !inputId.test(field)) return false;
          hasId = true;
          break;
        case "url":
          if (typeof field !== "string" || !url.test(field)) return false;
          images++;
          break;
        case "file":
          if (typeof field !== "string" || field.length === 0) return false;
          images++;
          break;
        case "concepts":
          if (!conceptsOk(field)) return false;
          break;
        case "metadata":
          if (!isRecord(field)) return false;
          break;
        case "allow_duplicate_url":
          if (typeof field !== "boolean") return false;
          break;
        default:
          return false;
      }
    }
    return hasId && images === 1;
  };
}

/**
 * An object as JSON.parse or a literal makes it: `for…in` then sees exactly its own fields (an
 * own `__proto__` field is not one the acceptor knows, so ajv decides it).
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key !== "description") out[key] = withoutDescriptions(item);
  }
  return out;
}

/** Equal as JSON, object key order ignored. */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameJson(item, b[index]))
    );
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key], b[key]))
    );
  }
  return a === b;
}
