/**
 * The manifest as written, before defaults, normalisation and file resolution: the TypeScript
 * mirror of schema/dataset.schema.json. test/manifest/schema-types.test.ts fails when the two
 * disagree on a property name or on what is required.
 */
import type { JsonObject } from "../api/types.js";

/** The root manifest file. */
export interface RawManifest {
  version: 1;
  name: string;
  app?: RawApp;
  defaults?: RawDefaults;
  include?: string[];
  inputs?: RawInput[];
  sources?: RawSource[];
}

export interface RawApp {
  user_id?: string;
  app_id?: string;
}

/** Merged into every input; the input's own fields win, metadata is deep-merged. */
export interface RawDefaults {
  allow_duplicate_url?: boolean;
  concepts?: RawConcept[];
  metadata?: JsonObject;
}

/** A file listed in `include:`. */
export interface RawInputsFile {
  include?: string[];
  inputs?: RawInput[];
  sources?: RawSource[];
}

/** One input as written; exactly one of `url` and `file`. */
export interface RawInput {
  id: string;
  url?: string;
  file?: string;
  concepts?: RawConcept[];
  metadata?: JsonObject;
  allow_duplicate_url?: boolean;
}

/** A concept id (shorthand for `{id, value: 1}`) or the full form. */
export type RawConcept = string | RawConceptObject;

export interface RawConceptObject {
  id: string;
  /** 1 or true (present, the default); 0 or false (explicitly absent). */
  value?: 0 | 1 | boolean;
}

/** Inputs declared by data where it lives: exactly one of `folder`, `csv`, `jsonl`. */
export type RawSource = RawFolderSource | RawCsvSource | RawJsonlSource;

/** Every image file under a folder; the first-level subfolder names the concept. */
export interface RawFolderSource {
  folder: string;
  include?: string[];
  exclude?: string[];
  concept_from_folder?: boolean;
  concepts?: RawConcept[];
  metadata?: JsonObject;
}

/** One input per row of a CSV file. */
export interface RawCsvSource {
  csv: string;
  columns: RawCsvColumns;
  concepts?: RawConcept[];
  metadata?: JsonObject;
  allow_duplicate_url?: boolean;
}

export type CsvMetadataType = "string" | "number" | "boolean" | "json";

/** Which CSV columns hold what; `id` and exactly one of `url` and `file`. */
export interface RawCsvColumns {
  id: string;
  url?: string;
  file?: string;
  concepts?: string;
  concept_separator?: string;
  concept_columns?: string[];
  metadata?: string[] | Record<string, CsvMetadataType>;
}

/** One input per line of a JSON Lines file, each with the fields of an input. */
export interface RawJsonlSource {
  jsonl: string;
}
