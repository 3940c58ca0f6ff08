/**
 * What the loader needs from a source (a folder, a CSV or a JSONL file): its inputs as raw
 * inputs, streamed, each with where it came from. Problems a reader finds in its own data are
 * reported as they are found; the loader then checks the inputs like declared ones.
 */
import type { DocPath } from "../doc-path.js";
import type { RawInput } from "../raw.js";

/** One input a source declares. */
export interface SourceItem {
  /** The input, schema-valid; a `file:` is relative to the reader's `baseDir`. */
  raw: RawInput;
  /** Where its data came from, as plans show it: `labels.csv:1042`, `images/cat/1.jpg`. */
  origin: string;
  /** The file problems about this input point into, and the line (0: the file as a whole). */
  file: string;
  line: number;
  /** A folder's image, checked and hashed by the reader already. */
  image?: { absPath: string; sha256: string; size: number };
  /**
   * The strings of `raw` are a parser's fresh copies (JSON.parse), not views into a
   * larger text: the normaliser keeps them without copying.
   */
  ownStrings?: boolean;
  /**
   * The input's JSON as written (a JSONL line): with no defaults to merge, the desired index keeps
   * it as the text of the input's concepts and metadata instead of writing them out again.
   */
  json?: string;
}

/** Where a reader reports problems. */
export interface SourceReport {
  /** A problem in the source's data: `file:line` (line 0: the whole file) and the path shown. */
  at(place: { file: string; line: number; path: string }, message: string): void;
  /** A problem in the manifest entry that declares the source, at `path` inside the entry. */
  inEntry(path: DocPath, message: string, options?: { key?: boolean }): void;
}

export interface SourceReader {
  /** The directory its inputs' `file:` values are relative to. */
  baseDir: string;
  /** How a path inside one of its inputs is shown (a CSV shows the column's name). */
  showPath(path: DocPath): string;
  /** The inputs, in source order; an input with a problem is reported and not yielded. */
  items(): AsyncIterable<SourceItem>;
  /**
   * The message for an id this source declared twice (`there`: its first declaration), when it
   * says more than "duplicate input id": a folder's ids come from the files' content.
   */
  duplicateId?(there: string): string;
}

/** Files of a folder source it did not take. */
export interface SkippedFiles {
  hidden: number;
  notImages: number;
}
