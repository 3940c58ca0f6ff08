/**
 * schema/dataset.schema.json compiled with ajv (JSON Schema 2020-12), once per process: the
 * schema is immutable, and compiling it costs more than validating a large manifest.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import { isRecord } from "../util/is-record.js";
import { plainInputAcceptor } from "./plain-input.js";
import type { DocumentRole, SchemaIssue } from "./schema-messages.js";
import { describeSchemaErrors } from "./schema-messages.js";

const DATASET_SCHEMA_FILE = "dataset.schema.json";
const INPUTS_SCHEMA_FILE = "inputs.schema.json";

interface CompiledSchemas {
  dataset: Record<string, unknown>;
  root: ValidateFunction;
  included: ValidateFunction;
  /** One element of `inputs`. */
  input: ValidateFunction;
  /** Says "valid" fast for a common input (src/manifest/plain-input.ts); undefined: off. */
  plainInput: ((value: unknown) => boolean) | undefined;
  patterns: ReadonlyMap<string, string>;
  rootFields: readonly string[];
}

let compiled: CompiledSchemas | undefined;

/** The directory holding the JSON schemas: `schema/` at the package root. */
function schemaDirectory(): string {
  // Walk up rather than hard-code a depth: this module runs from src/ (tests) and dist/src/.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "schema", DATASET_SCHEMA_FILE);
    if (existsSync(candidate)) return dirname(candidate);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find schema/${DATASET_SCHEMA_FILE} above ${dir}`);
    dir = parent;
  }
}

/** A schema file of the package's `schema/` directory, parsed (e.g. `plan.schema.json`). */
export function packageSchema(fileName: string): Record<string, unknown> {
  return readJson(join(schemaDirectory(), fileName));
}

/** The parsed dataset schema (the single source of truth for the manifest's shape). */
export function datasetSchema(): Record<string, unknown> {
  return schemas().dataset;
}

/** The schema's URL pattern (`$defs.url.pattern`). */
export function schemaUrlPattern(): RegExp {
  return new RegExp(String(objectAt(schemas().dataset, ["$defs", "url"]).pattern));
}

/** Checks a parsed document against the schema for its role; returns human-readable issues. */
export function validateAgainstSchema(value: unknown, role: DocumentRole): SchemaIssue[] {
  const { root, included, input, patterns, rootFields } = schemas();
  const context = { role, patterns, rootFields };
  const validate = role === "root" ? root : included;
  const check = (fn: ValidateFunction, data: unknown, prefix: string): SchemaIssue[] => {
    if (fn(data)) return [];
    const errors = (fn.errors ?? []).map((error) => ({
      ...error,
      instancePath: prefix + error.instancePath,
    }));
    return describeSchemaErrors(errors, value, context);
  };
  if (!isRecord(value) || !Array.isArray(value.inputs)) return check(validate, value, "");
  // One ajv call per input: within one call ajv concatenates error arrays at every $ref, which
  // is quadratic in the number of errors (41 s for 100,000 bad inputs; linear this way).
  const issues = check(validate, { ...value, inputs: [] }, "");
  value.inputs.forEach((item: unknown, index) => {
    issues.push(...check(input, item, `/inputs/${index}`));
  });
  return issues;
}

/**
 * Checks one input on its own (a line of a JSONL source, a row of a CSV source). A plain, valid
 * input is accepted without ajv (a million lines); ajv decides everything else. `fastPath:
 * false` always asks ajv (tests compare the two).
 */
export function validateInputValue(
  value: unknown,
  options: { fastPath?: boolean } = {},
): SchemaIssue[] {
  const { input, plainInput, patterns, rootFields } = schemas();
  if (options.fastPath !== false && plainInput?.(value) === true) return [];
  if (input(value)) return [];
  return describeSchemaErrors(input.errors ?? [], value, {
    role: "included",
    patterns,
    rootFields,
  });
}

/** The schema's concept id pattern (`$defs.conceptId.pattern`). */
export function schemaConceptIdPattern(): RegExp {
  return new RegExp(String(objectAt(schemas().dataset, ["$defs", "conceptId"]).pattern));
}

/** Compiles the schemas now rather than on first use (a loader thread that waits for work). */
export function compileSchemas(): void {
  schemas();
}

function schemas(): CompiledSchemas {
  if (compiled !== undefined) return compiled;
  const dir = schemaDirectory();
  const dataset = readJson(join(dir, DATASET_SCHEMA_FILE));
  const inputs = readJson(join(dir, INPUTS_SCHEMA_FILE));
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    // `required` inside oneOf branches names properties declared beside the oneOf.
    strictRequired: false,
    allowUnionTypes: true,
  });
  ajv.addSchema(dataset, DATASET_SCHEMA_FILE);
  ajv.addSchema(inputs, INPUTS_SCHEMA_FILE);
  const root = ajv.getSchema(DATASET_SCHEMA_FILE);
  const included = ajv.getSchema(INPUTS_SCHEMA_FILE);
  const input = ajv.getSchema(`${DATASET_SCHEMA_FILE}#/$defs/input`);
  if (root === undefined || included === undefined || input === undefined) {
    throw new Error("manifest schemas did not compile");
  }
  compiled = {
    dataset,
    root,
    included,
    input,
    plainInput: plainInputAcceptor(objectAt(dataset, ["$defs"])),
    patterns: patternMessages(dataset),
    rootFields: Object.keys(objectAt(dataset, ["properties"])),
  };
  return compiled;
}

const ID_RULE = 'must be 1 to 48 letters, digits, "_" or "-"';

/** What each pattern of the schema means, in words. */
function patternMessages(dataset: Record<string, unknown>): Map<string, string> {
  const pattern = (path: string[]): string => String(objectAt(dataset, path).pattern);
  return new Map([
    [pattern(["$defs", "inputId"]), ID_RULE],
    [pattern(["$defs", "conceptId"]), ID_RULE],
    [pattern(["$defs", "url"]), "must be an http:// or https:// URL"],
    [
      pattern(["properties", "name"]),
      'must be lowercase letters, digits, "_" or "-", start with a letter or digit, and be at most 63 characters',
    ],
  ]);
}

function objectAt(value: Record<string, unknown>, path: string[]): Record<string, unknown> {
  let node: unknown = value;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  if (!isRecord(node)) throw new Error(`schema has no object at ${path.join("/")}`);
  return node;
}

function readJson(file: string): Record<string, unknown> {
  const value: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!isRecord(value)) throw new Error(`${file} is not a JSON object`);
  return value;
}
