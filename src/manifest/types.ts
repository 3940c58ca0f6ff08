import type { JsonObject } from "../api/types.js";

/**
 * The reserved metadata key of the ownership marker `dataset` writes on every input (contract §4);
 * a manifest may not use it.
 */
export const OWNERSHIP_KEY = "_dataset";

/** Where something stands in a source file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One located problem in a manifest. */
export interface ManifestProblem extends SourceLocation {
  /** Document path, e.g. `inputs[3].concepts[0].value`. Empty for the whole document. */
  path: string;
  message: string;
}

/** Read-only: equal concepts may be one object shared by many inputs. */
export interface DesiredConcept {
  readonly id: string;
  readonly value: 0 | 1;
}

export type DesiredImage =
  | { kind: "url"; url: string }
  | {
      kind: "file";
      /** Absolute path on disk. */
      absPath: string;
      /** Path as written in the manifest, relative to the file that declared it. */
      path: string;
      sha256: string;
      size: number;
    };

/** One input as the manifest wants it: defaults merged, shorthand expanded, files hashed. */
export interface DesiredInput {
  id: string;
  image: DesiredImage;
  concepts: DesiredConcept[];
  /** User metadata, without the reserved `_dataset` key. */
  metadata: JsonObject;
  allowDuplicateUrl: boolean;
  /** Where the input was declared. */
  source: SourceLocation;
  /**
   * For an input of a source, where its data came from, as plans show it: the image of a folder
   * (`images/cat/1.jpg`), the row of a CSV or the line of a JSONL file (`labels.csv:1042`).
   */
  origin?: string;
  /**
   * Its JSON as written (a JSONL line), when its concepts and metadata are exactly that JSON's
   * (no defaults merged): the desired index stores it rather than writing them out again.
   */
  json?: string;
}
