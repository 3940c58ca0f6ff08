/**
 * Turns ajv's errors into one plain sentence per mistake. Pure.
 *
 * ajv reports what each schema keyword thought: a wrong type also fails `required` and `oneOf`,
 * an `if`/`then` reports both halves, `oneOf` reports each branch. Those echoes are dropped so
 * that one mistake reads as one line.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import { isRecord } from "../util/is-record.js";
import type { DocPath } from "./doc-path.js";
import { formatDocPath, pointerToDocPath } from "./doc-path.js";

/** A root manifest, or a file listed in `include:`. */
export type DocumentRole = "root" | "included";

/** One schema problem, still to be given a file position. */
export interface SchemaIssue {
  /** The path shown to the user. */
  path: DocPath;
  message: string;
  /** Where to point, when not at `path` itself: `key` points at a mapping key. */
  at?: { path: DocPath; key: boolean };
}

export interface MessageContext {
  role: DocumentRole;
  /** Patterns of the schema in words, keyed by the pattern's source. */
  patterns: ReadonlyMap<string, string>;
  /** Fields of the root manifest, to explain them when an included file uses one. */
  rootFields: readonly string[];
}

export function describeSchemaErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  context: MessageContext,
): SchemaIssue[] {
  const wrongType = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  const unknownFields = new Map<string, string[]>();
  for (const error of errors) {
    if (error.keyword !== "additionalProperties") continue;
    const fields = unknownFields.get(error.instancePath) ?? [];
    fields.push(String(error.params.additionalProperty));
    unknownFields.set(error.instancePath, fields);
  }
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // `then` reports the real problem; `if` only says that `then` failed.
    if (error.keyword === "if") continue;
    // url|file branches: the oneOf error itself says what is wrong.
    if (error.schemaPath.includes("/oneOf/")) continue;
    // A value of the wrong type fails every other keyword too: the type error says it all.
    if (error.keyword !== "type" && wrongType.has(error.instancePath)) continue;
    // `urll:` is one mistake: the unknown field says it; "needs url or file" would echo it.
    if (error.keyword === "oneOf" && isMisspeltBranch(error, unknownFields.get(error.instancePath)))
      continue;
    const issue = describe(error, data, context);
    const key = `${formatDocPath(issue.at?.path ?? issue.path)}\n${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function describe(error: ErrorObject, data: unknown, context: MessageContext): SchemaIssue {
  const path = pointerToDocPath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  const got = describeValue(error.data);
  switch (error.keyword) {
    case "required":
      return { path, message: `missing required field "${String(params.missingProperty)}"` };
    case "additionalProperties": {
      const field = String(params.additionalProperty);
      return {
        path,
        message: unknownField(field, error, context),
        at: { path: [...path, field], key: true },
      };
    }
    case "type":
      return { path, message: wrongType(path, params.type, got, context) };
    case "pattern": {
      const rule = context.patterns.get(String(params.pattern));
      return { path, message: `${rule ?? `must match ${String(params.pattern)}`}, got ${got}` };
    }
    case "const":
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}, got ${got}` };
    case "enum": {
      const allowed: unknown[] = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      // `true`/`false` beside 1/0 are accepted spellings of them (a concept's value): the
      // message names the values the docs teach.
      const shown = allowed.filter((v) => typeof v !== "boolean" || !allowed.includes(v ? 1 : 0));
      return { path, message: `must be ${alternatives(shown.map((v) => JSON.stringify(v)))}` };
    }
    case "oneOf":
      return { path, message: exactlyOneOf(error) };
    case "minLength":
      return { path, message: "must not be empty" };
    default:
      return { path, message: error.message ?? "is invalid" };
  }
}

function unknownField(field: string, error: ErrorObject, context: MessageContext): string {
  if (
    context.role === "included" &&
    error.instancePath === "" &&
    context.rootFields.includes(field)
  ) {
    return `"${field}" belongs in the root manifest; an included file holds only "include", "inputs" and "sources"`;
  }
  const properties = isRecord(error.parentSchema?.properties) ? error.parentSchema.properties : {};
  return `unknown field "${field}" (expected one of: ${Object.keys(properties).join(", ")})`;
}

function wrongType(path: DocPath, expected: unknown, got: string, context: MessageContext): string {
  if (path.length === 0 && got === EMPTY) {
    return context.role === "root"
      ? `file is empty; a manifest needs "version", "name" and "inputs"`
      : `file is empty; an included file needs "inputs"`;
  }
  if (path.length === 0) {
    return context.role === "root"
      ? `a manifest must be a mapping with "version", "name" and "inputs", got ${got}`
      : `an included file must be a mapping with "inputs", got ${got}`;
  }
  const types = Array.isArray(expected) ? expected.map(String) : [String(expected)];
  // The only union in the schema: a concept is an id or {id, value}.
  if (types.includes("string") && types.includes("object")) {
    return `must be a concept id or a mapping {id, value}, got ${got}`;
  }
  return `must be ${alternatives(types.map(typeName))}, got ${got}`;
}

/** `oneOf: [{required: [url]}, {required: [file]}]` → must have exactly one of "url" or "file". */
function exactlyOneOf(error: ErrorObject): string {
  const names = oneOfFieldNames(error);
  if (names.length === 0) return "must match exactly one of the allowed forms";
  const both = Array.isArray(error.params.passingSchemas) ? ", not both" : "";
  return `must have exactly one of ${alternatives(names.map((n) => `"${n}"`))}${both}`;
}

function oneOfFieldNames(error: ErrorObject): string[] {
  const branches: unknown[] = Array.isArray(error.parentSchema?.oneOf)
    ? error.parentSchema.oneOf
    : [];
  return branches.flatMap((branch) =>
    isRecord(branch) && Array.isArray(branch.required) ? branch.required.map(String) : [],
  );
}

/** No branch matched, and an unknown field is a near miss of a branch's field (`urll`, `File`). */
function isMisspeltBranch(error: ErrorObject, unknown: readonly string[] | undefined): boolean {
  if (unknown === undefined || Array.isArray(error.params.passingSchemas)) return false;
  const names = oneOfFieldNames(error);
  return unknown.some((field) =>
    names.some((name) => editDistance(field.toLowerCase(), name) <= 2),
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function typeName(type: string): string {
  switch (type) {
    case "object":
      return "a mapping";
    case "array":
      return "a list";
    case "string":
      return "a string";
    case "boolean":
      return "true or false";
    case "integer":
      return "an integer";
    case "number":
      return "a number";
    case "null":
      return "empty";
    default:
      return type;
  }
}

const EMPTY = "an empty value";

/** A value as a short phrase: `"abc"`, `5`, `a list`, `an empty value`. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return EMPTY;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

function alternatives(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}
