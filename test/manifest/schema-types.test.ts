/**
 * schema/dataset.schema.json is the single source of truth; src/manifest/raw.ts mirrors it by
 * hand. This file keeps them together from both sides: the key lists below must equal the TS
 * types (checked by the compiler: `npm run typecheck` fails when a type gains or loses a key),
 * and the schema must have exactly these keys (checked when the test runs).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type {
  RawApp,
  RawConceptObject,
  RawCsvColumns,
  RawCsvSource,
  RawDefaults,
  RawFolderSource,
  RawInput,
  RawInputsFile,
  RawJsonlSource,
  RawManifest,
} from "../../src/manifest/raw.js";
import { datasetSchema } from "../../src/manifest/schema.js";
import {
  at,
  type Json,
  type RequiredKeys,
  type Same,
  shape,
  sorted,
} from "../helpers/schema-shape.js";

const MANIFEST_KEYS = [
  "version",
  "name",
  "app",
  "defaults",
  "include",
  "inputs",
  "sources",
] as const;
const MANIFEST_REQUIRED = ["version", "name"] as const;
const APP_KEYS = ["user_id", "app_id"] as const;
const DEFAULTS_KEYS = ["allow_duplicate_url", "concepts", "metadata"] as const;
const INPUTS_FILE_KEYS = ["include", "inputs", "sources"] as const;
const INPUT_KEYS = ["id", "url", "file", "concepts", "metadata", "allow_duplicate_url"] as const;
const INPUT_REQUIRED = ["id"] as const;
const CONCEPT_KEYS = ["id", "value"] as const;
const CONCEPT_REQUIRED = ["id"] as const;
const CONCEPT_VALUES = [0, 1, true, false] as const;
const FOLDER_KEYS = [
  "folder",
  "include",
  "exclude",
  "concept_from_folder",
  "concepts",
  "metadata",
] as const;
const CSV_KEYS = ["csv", "columns", "concepts", "metadata", "allow_duplicate_url"] as const;
const CSV_COLUMN_KEYS = [
  "id",
  "url",
  "file",
  "concepts",
  "concept_separator",
  "concept_columns",
  "metadata",
] as const;
const JSONL_KEYS = ["jsonl"] as const;

// Compile-time halves: each line fails to typecheck when the list and the type disagree.
const typesAgree: true[] = [
  true satisfies Same<(typeof MANIFEST_KEYS)[number], keyof RawManifest>,
  true satisfies Same<(typeof MANIFEST_REQUIRED)[number], RequiredKeys<RawManifest>>,
  true satisfies Same<(typeof APP_KEYS)[number], keyof RawApp>,
  true satisfies Same<never, RequiredKeys<RawApp>>,
  true satisfies Same<(typeof DEFAULTS_KEYS)[number], keyof RawDefaults>,
  true satisfies Same<never, RequiredKeys<RawDefaults>>,
  true satisfies Same<(typeof INPUTS_FILE_KEYS)[number], keyof RawInputsFile>,
  true satisfies Same<never, RequiredKeys<RawInputsFile>>,
  true satisfies Same<(typeof INPUT_KEYS)[number], keyof RawInput>,
  true satisfies Same<(typeof INPUT_REQUIRED)[number], RequiredKeys<RawInput>>,
  true satisfies Same<(typeof CONCEPT_KEYS)[number], keyof RawConceptObject>,
  true satisfies Same<(typeof CONCEPT_REQUIRED)[number], RequiredKeys<RawConceptObject>>,
  true satisfies Same<(typeof CONCEPT_VALUES)[number], NonNullable<RawConceptObject["value"]>>,
  true satisfies Same<(typeof FOLDER_KEYS)[number], keyof RawFolderSource>,
  true satisfies Same<"folder", RequiredKeys<RawFolderSource>>,
  true satisfies Same<(typeof CSV_KEYS)[number], keyof RawCsvSource>,
  true satisfies Same<"csv" | "columns", RequiredKeys<RawCsvSource>>,
  true satisfies Same<(typeof CSV_COLUMN_KEYS)[number], keyof RawCsvColumns>,
  true satisfies Same<"id", RequiredKeys<RawCsvColumns>>,
  true satisfies Same<(typeof JSONL_KEYS)[number], keyof RawJsonlSource>,
  true satisfies Same<"jsonl", RequiredKeys<RawJsonlSource>>,
];

describe("the schema and the TypeScript types agree", () => {
  const schema = datasetSchema();
  const cases: [string, readonly string[], readonly string[]][] = [
    ["", MANIFEST_KEYS, MANIFEST_REQUIRED],
    ["properties/app", APP_KEYS, []],
    ["properties/defaults", DEFAULTS_KEYS, []],
    ["$defs/inputsFile", INPUTS_FILE_KEYS, []],
    ["$defs/input", INPUT_KEYS, INPUT_REQUIRED],
    ["$defs/concept", CONCEPT_KEYS, CONCEPT_REQUIRED],
    ["$defs/folderSource", FOLDER_KEYS, ["folder"]],
    ["$defs/csvSource", CSV_KEYS, ["csv", "columns"]],
    ["$defs/csvSource/properties/columns", CSV_COLUMN_KEYS, ["id"]],
    ["$defs/jsonlSource", JSONL_KEYS, ["jsonl"]],
  ];
  for (const [path, keys, required] of cases) {
    it(`#/${path}`, () => {
      expect(shape(at(schema, path))).toEqual({ keys: sorted(keys), required: sorted(required) });
    });
  }

  it("on concept values and the version", () => {
    expect(at(schema, "$defs/concept/properties/value").enum).toEqual([...CONCEPT_VALUES]);
    expect(at(schema, "properties/version").const).toBe(1 satisfies RawManifest["version"]);
    expect(typesAgree.every(Boolean)).toBe(true);
  });

  it("closes every object to unknown fields", () => {
    for (const [path] of cases) expect(at(schema, path).additionalProperties, path).toBe(false);
  });
});

describe("the schema serves editors", () => {
  it("describes every property, directly or through its $ref", () => {
    const schema = datasetSchema();
    const missing: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (typeof node !== "object" || node === null) return;
      const properties = (node as Json).properties as Json | undefined;
      for (const [name, property] of Object.entries(properties ?? {})) {
        const own = property as Json;
        const target =
          typeof own.$ref === "string" ? at(schema, own.$ref.replace(/^#\//, "")) : own;
        if (typeof own.description !== "string" && typeof target.description !== "string") {
          missing.push(`${path}/properties/${name}`);
        }
      }
      for (const [key, child] of Object.entries(node as Json)) visit(child, `${path}/${key}`);
    };
    visit(schema, "#");
    expect(missing).toEqual([]);
  });

  it("gives included files their own schema, built on the first", () => {
    const inputs = JSON.parse(readFileSync("schema/inputs.schema.json", "utf8")) as Json;
    expect(inputs.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(inputs.$ref).toBe("dataset.schema.json#/$defs/inputsFile");
  });

  it("is referenced by the example manifest and its included files", () => {
    expect(readFileSync("examples/dataset.yaml", "utf8").split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../schema/dataset.schema.json",
    );
    expect(readFileSync("examples/inputs/dogs.yaml", "utf8").split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../../schema/inputs.schema.json",
    );
  });
});
