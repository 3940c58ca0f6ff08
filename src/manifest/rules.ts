/**
 * The rules the schema cannot express: ids unique across every file, no concept listed twice,
 * no URL shared without `allow_duplicate_url`, valid URLs, JSON-only metadata without the
 * reserved key. Pure and linear in the number of inputs (one pass of hash tables).
 *
 * Values arrive as written, possibly malformed (the schema reports that): every rule looks only
 * at values of the right type, so one mistake is not reported twice.
 */

import { IntColumn } from "../util/int-column.js";
import { isRecord } from "../util/is-record.js";
import type { DocPath } from "./doc-path.js";
import { DeclaredIds, DeclaredUrls } from "./first-declared.js";
import { OWNERSHIP_KEY } from "./types.js";

/**
 * A place in the manifest: a manifest file (by index in load order; 0 is the root) and a path in
 * its document, still to be given a position; or a place already known (a row of a CSV or JSONL
 * source, an image of a folder source).
 */
export type RulePlace = { file: number; path: DocPath } | { fixed: FixedPlace };

/** A place whose position is known: `file:line` (line 0: the file itself) and the path shown. */
interface FixedPlace {
  file: string;
  line: number;
  column: number;
  path: string;
}

/** Where the inputs of one `checkInputs` call are: the place of each input's field. */
export interface RuleSegment {
  place(index: number, path: DocPath): RulePlace;
  /**
   * A number of input `index` as written in the source (at `path` inside the input), when it can
   * tell: parsers round integers beyond 2^53, only the text shows what was meant.
   */
  writtenNumber?(index: number, path: DocPath): string | undefined;
  /** The segments of one source share it (a file's `inputs:`, none). */
  group?: object;
  /** The message for an id declared first in a segment of the same {@link group}. */
  duplicateId?(there: string): string;
}

/** The inputs of a manifest file's `inputs:` list. */
function manifestSegment(
  file: number,
  writtenNumber?: (path: DocPath) => string | undefined,
): RuleSegment {
  return {
    place: (index, path) => ({ file, path: ["inputs", index, ...path] }),
    ...(writtenNumber === undefined
      ? {}
      : { writtenNumber: (index, path) => writtenNumber(["inputs", index, ...path]) }),
  };
}

/** A rule violation, still to be given a file position. */
export type RuleIssue = RulePlace & {
  /** The message, or one naming `elsewhere` (given as `file:line:col`). */
  message: string | ((elsewhere: string) => string);
  /** The other place a duplicate names. */
  elsewhere?: RulePlace;
  /** Point at the mapping key rather than its value. */
  key?: boolean;
};

export interface RuleContext {
  /** The root manifest's `defaults` as written. */
  defaults: unknown;
  /** The schema's URL pattern: only URLs that pass it are parsed further. */
  urlPattern: RegExp;
}

/**
 * The rules, fed one file's `inputs:` at a time (in load order) so that a file's parsed values
 * can be dropped once it is checked: across files it keeps only each id's and URL's first
 * declaration, compactly (first-declared.ts). Call {@link finish} once, after the last file.
 */
export class InputRules {
  private readonly context: RuleContext;
  private readonly defaultAllows: boolean;
  /** Every input checked so far gets an ordinal; these map it back to its segment and index. */
  private readonly ordinalSegments: RuleSegment[] = [];
  private readonly ordinalStarts: number[] = [];
  private next = 0;
  /** Each input's id as shown and each string id's first declaration (by ordinal). */
  private readonly ids = new DeclaredIds();
  private readonly urls = new DeclaredUrls();
  /** By ordinal, read for URLs that turn out to be shared: its own allow flag (-1: not set). */
  private readonly allows = new IntColumn();
  /** Only URLs declared more than once get a list, by the ordinal of their first declaration. */
  private readonly sharedUrls = new Map<number, number[]>();
  private finished = false;

  constructor(context: RuleContext) {
    this.context = context;
    const defaults = isRecord(context.defaults) ? context.defaults : {};
    this.defaultAllows = defaults.allow_duplicate_url === true;
  }

  /** Problems of the root's `defaults:` itself; `writtenNumber` reads a number as written. */
  checkDefaults(writtenNumber?: (path: DocPath) => string | undefined): RuleIssue[] {
    const issues: RuleIssue[] = [];
    const defaults = isRecord(this.context.defaults) ? this.context.defaults : {};
    const inDefaults =
      (field: string): PlaceAt =>
      (path) => ({ file: 0, path: ["defaults", field, ...path] });
    checkConcepts(defaults.concepts, inDefaults("concepts"), issues);
    checkMetadata(defaults.metadata, inDefaults("metadata"), issues, (path) =>
      writtenNumber?.(["defaults", "metadata", ...path]),
    );
    return issues;
  }

  /**
   * Checks one file's `inputs:` as written (possibly malformed: the schema reports that);
   * `writtenNumber` reads a number at a path of the file's document as written.
   */
  checkFile(
    file: number,
    inputs: readonly unknown[],
    writtenNumber?: (path: DocPath) => string | undefined,
  ): RuleIssue[] {
    return this.checkInputs(manifestSegment(file, writtenNumber), inputs);
  }

  /** Checks inputs as written, each placed by `segment` (a file's `inputs:`, a batch of a source). */
  checkInputs(segment: RuleSegment, inputs: readonly unknown[]): RuleIssue[] {
    if (this.finished) throw new Error("checkInputs() called after finish()");
    const issues: RuleIssue[] = [];
    this.ordinalSegments.push(segment);
    this.ordinalStarts.push(this.next);
    for (let index = 0; index < inputs.length; index++) {
      const ordinal = this.next++;
      const value = inputs[index];
      if (!isRecord(value)) {
        this.ids.declare(undefined);
        this.urls.declare(undefined);
        this.allows.push(-1);
        continue;
      }
      const { id, url, concepts, metadata, allow_duplicate_url: allows } = value;
      this.allows.push(typeof allows === "boolean" ? Number(allows) : -1);
      const at = (...rest: (string | number)[]): RulePlace => segment.place(index, rest);
      const firstId = this.ids.declare(id);
      if (firstId !== undefined) {
        const first = this.locateOrdinal(firstId);
        const own =
          segment.group !== undefined && first.segment.group === segment.group
            ? segment.duplicateId
            : undefined;
        issues.push({
          ...at("id"),
          message:
            own ?? ((there) => `duplicate input id "${String(id)}" (also declared at ${there})`),
          elsewhere: first.segment.place(first.index, ["id"]),
        });
      }
      const checked = typeof url === "string" && this.context.urlPattern.test(url);
      const firstUrl = this.urls.declare(checked ? url : undefined);
      if (checked) {
        const problem = urlProblem(url);
        if (problem !== undefined) issues.push({ ...at("url"), message: problem });
      }
      // A copy-pasted input is one mistake: its duplicate id says so, its URL need not.
      if (firstUrl !== undefined && firstId === undefined) {
        const group = this.sharedUrls.get(firstUrl);
        if (group === undefined) this.sharedUrls.set(firstUrl, [firstUrl, ordinal]);
        else group.push(ordinal);
      }
      // Paths are built only for values that may hold a problem: most inputs have none.
      if (Array.isArray(concepts) && concepts.length > 1) {
        checkConcepts(concepts, (path) => at("concepts", ...path), issues);
      }
      if (isRecord(metadata) && !isCleanMetadata(metadata)) {
        checkMetadata(
          metadata,
          (path) => at("metadata", ...path),
          issues,
          (path) => segment.writtenNumber?.(index, ["metadata", ...path]),
        );
      }
    }
    return issues;
  }

  /** The problems only the whole manifest shows: URLs shared without `allow_duplicate_url`. */
  finish(): RuleIssue[] {
    this.finished = true;
    const issues: RuleIssue[] = [];
    for (const group of this.sharedUrls.values()) {
      for (const ordinal of group) {
        const allows = this.allows.at(ordinal);
        if (allows === -1 ? this.defaultAllows : allows === 1) continue;
        const other = ordinal === group[0] ? group[1] : group[0];
        if (other === undefined) continue;
        const otherId = this.ids.shownAt(other) ?? "?";
        issues.push({
          ...this.placeOf(ordinal, "url"),
          message: (there) =>
            `URL also used by input "${otherId}" at ${there}; set allow_duplicate_url: true on every input that shares it`,
          elsewhere: this.placeOf(other, "url"),
        });
      }
    }
    return issues;
  }

  private locateOrdinal(ordinal: number): { segment: RuleSegment; index: number } {
    // The last file that starts at or before the ordinal (binary search: starts ascend).
    let low = 0;
    let high = this.ordinalStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.ordinalStarts[middle] ?? 0) <= ordinal) low = middle;
      else high = middle - 1;
    }
    return {
      segment: this.ordinalSegments[low] ?? manifestSegment(0),
      index: ordinal - (this.ordinalStarts[low] ?? 0),
    };
  }

  private placeOf(ordinal: number, field: string): RulePlace {
    const { segment, index } = this.locateOrdinal(ordinal);
    return segment.place(index, [field]);
  }
}

function urlProblem(url: string): string | undefined {
  // The API trims surrounding spaces, so the live URL would never equal the declared one.
  if (url.trim() !== url) return "must not start or end with whitespace";
  if (!URL.canParse(url)) return "is not a valid URL";
  return undefined;
}

/** The place of a path inside one value (an input's concepts, its metadata…). */
type PlaceAt = (path: DocPath) => RulePlace;

function checkConcepts(concepts: unknown, placeAt: PlaceAt, issues: RuleIssue[]): void {
  if (!Array.isArray(concepts)) return;
  const idOf = (concept: unknown): unknown =>
    typeof concept === "string" ? concept : isRecord(concept) ? concept.id : undefined;
  // An input lists a few concepts: comparing each with the ones before costs less than a Map.
  const firstIndex = concepts.length > 16 ? new Map<string, number>() : undefined;
  concepts.forEach((concept: unknown, index) => {
    const id = idOf(concept);
    if (typeof id !== "string") return;
    let first: number | undefined;
    if (firstIndex === undefined) {
      for (let earlier = 0; earlier < index && first === undefined; earlier++) {
        if (idOf(concepts[earlier]) === id) first = earlier;
      }
    } else {
      first = firstIndex.get(id);
      if (first === undefined) firstIndex.set(id, index);
    }
    if (first === undefined) return;
    issues.push({
      ...placeAt([index]),
      message: `concept "${id}" is listed twice (first as concepts[${first}])`,
    });
  });
}

function isCleanMetadata(metadata: Record<string, unknown>): boolean {
  return !Object.hasOwn(metadata, OWNERSHIP_KEY) && isJsonSafe(metadata);
}

function checkMetadata(
  metadata: unknown,
  placeAt: PlaceAt,
  issues: RuleIssue[],
  writtenNumber: (path: DocPath) => string | undefined,
): void {
  if (!isRecord(metadata)) return;
  if (Object.hasOwn(metadata, OWNERSHIP_KEY)) {
    issues.push({
      ...placeAt([OWNERSHIP_KEY]),
      message: `"${OWNERSHIP_KEY}" is reserved for dataset's ownership marker; use another key`,
      key: true,
    });
  }
  findNonJsonNumbers(metadata, [], (path, value) => {
    if (!Number.isFinite(value)) {
      issues.push({ ...placeAt(path), message: `must be a finite number (JSON has no ${value})` });
      return;
    }
    const written = writtenNumber(path);
    if (written !== undefined && !isExactlyHeld(written, value)) {
      issues.push({
        ...placeAt(path),
        message: `${written} cannot be held exactly by a JSON number (integers beyond 2^53 are rounded to ${value}); quote it to keep it as a string: "${written}"`,
      });
    }
  });
}

/** YAML has .inf and .nan; JSON (and the API's Struct) does not. */
function findNonJsonNumbers(
  value: unknown,
  path: (string | number)[],
  report: (path: DocPath, value: number) => void,
): void {
  // Nearly all metadata is clean: check first, build paths only when something is wrong.
  if (isJsonSafe(value)) return;
  if (typeof value === "number") {
    report([...path], value);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      path.push(index);
      findNonJsonNumbers(item, path, report);
      path.pop();
    });
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      path.push(key);
      findNonJsonNumbers(item, path, report);
      path.pop();
    }
  }
}

/** An integer beyond 2^53 may have been rounded by the parser: only its text can tell. */
function mayBeRounded(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) >= 2 ** 53;
}

/**
 * Whether the number written as `text` is `value` exactly. Only integer literals are checked
 * (`1e20` says a double is meant; `9007199254740993` says an integer that doubles cannot hold).
 */
export function isExactlyHeld(text: string, value: number): boolean {
  // Below 2^53 every integer is held exactly (and a literal beyond it never rounds below it).
  if (Math.abs(value) < 2 ** 53) return true;
  const digits = text.replaceAll("_", "").replace(/^\+/, "");
  if (!/^-?[0-9]+$/.test(digits)) return true;
  return BigInt(digits) === BigInt(value);
}

function isJsonSafe(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value) && !mayBeRounded(value);
  if (typeof value !== "object" || value === null) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!isJsonSafe(item)) return false;
    return true;
  }
  for (const key in value) {
    if (!isJsonSafe((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}
