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
  /** 1 (present, the default) or 0 (explicitly absent). */
  value?: 0 | 1;
}
