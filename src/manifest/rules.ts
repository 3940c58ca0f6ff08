/**
 * The rules the schema cannot express: ids unique across every file, no concept listed twice,
 * no URL shared without `allow_duplicate_url`, valid URLs, JSON-only metadata without the
 * reserved key. Pure and linear in the number of inputs (one Map/Set pass each).
 *
 * Values arrive as written, possibly malformed (the schema reports that): every rule looks only
 * at values of the right type, so one mistake is not reported twice.
 */
import type { DocPath } from "./doc-path.js";
import { isRecord } from "./doc-path.js";
import { OWNERSHIP_KEY } from "./types.js";

/** A place in the manifest: a file (by index in load order; 0 is the root) and a path in it. */
export interface RulePlace {
  file: number;
  path: DocPath;
}

/** A rule violation, still to be given a file position. */
export interface RuleIssue extends RulePlace {
  /** The message, or one naming `elsewhere` (given as `file:line:col`). */
  message: string | ((elsewhere: string) => string);
  /** The other place a duplicate names. */
  elsewhere?: RulePlace;
  /** Point at the mapping key rather than its value. */
  key?: boolean;
}

export interface RuleContext {
  /** The root manifest's `defaults` as written. */
  defaults: unknown;
  /** The schema's URL pattern: only URLs that pass it are parsed further. */
  urlPattern: RegExp;
}

/**
 * The rules, fed one file's `inputs:` at a time (in load order) so that a file's parsed values
 * can be dropped once it is checked: across files it keeps only each id's and URL's first
 * declaration, as numbers. Call {@link finish} once, after the last file.
 */
export class InputRules {
  private readonly context: RuleContext;
  private readonly defaultAllows: boolean;
  /** Every input checked so far gets an ordinal; these map it back to its file and index. */
  private readonly ordinalFiles: number[] = [];
  private readonly ordinalStarts: number[] = [];
  private next = 0;
  private readonly firstById = new Map<string, number>();
  private readonly firstByUrl = new Map<string, number>();
  /** By ordinal, for URLs that turn out to be shared: the input's id (as shown) and own allow flag. */
  private readonly ids: (string | null)[] = [];
  private readonly allows: (boolean | null)[] = [];
  /** Only URLs declared more than once get a list: most are unique. */
  private readonly sharedUrls = new Map<string, number[]>();
  private finished = false;

  constructor(context: RuleContext) {
    this.context = context;
    const defaults = isRecord(context.defaults) ? context.defaults : {};
    this.defaultAllows = defaults.allow_duplicate_url === true;
  }

  /** Problems of the root's `defaults:` itself. */
  checkDefaults(): RuleIssue[] {
    const issues: RuleIssue[] = [];
    const defaults = isRecord(this.context.defaults) ? this.context.defaults : {};
    checkConcepts(defaults.concepts, { file: 0, path: ["defaults", "concepts"] }, issues);
    checkMetadata(defaults.metadata, { file: 0, path: ["defaults", "metadata"] }, issues);
    return issues;
  }

  /** Checks one file's `inputs:` as written (possibly malformed: the schema reports that). */
  checkFile(file: number, inputs: readonly unknown[]): RuleIssue[] {
    if (this.finished) throw new Error("checkFile() called after finish()");
    const issues: RuleIssue[] = [];
    this.ordinalFiles.push(file);
    this.ordinalStarts.push(this.next);
    for (let index = 0; index < inputs.length; index++) {
      const ordinal = this.next++;
      const value = inputs[index];
      if (!isRecord(value)) {
        this.ids.push(null);
        this.allows.push(null);
        continue;
      }
      const { id, url, concepts, metadata, allow_duplicate_url: allows } = value;
      // Dense by ordinal (one push per input), read only for URLs that turn out to be shared.
      this.ids.push(id === undefined ? null : String(id));
      this.allows.push(typeof allows === "boolean" ? allows : null);
      const at = (...rest: (string | number)[]): DocPath => ["inputs", index, ...rest];
      let duplicateId = false;
      if (typeof id === "string") {
        const first = this.firstById.get(id);
        if (first === undefined) this.firstById.set(id, ordinal);
        else {
          duplicateId = true;
          issues.push({
            file,
            path: at("id"),
            message: (there) => `duplicate input id "${id}" (also declared at ${there})`,
            elsewhere: this.placeOf(first, "id"),
          });
        }
      }
      if (typeof url === "string" && this.context.urlPattern.test(url)) {
        const problem = urlProblem(url);
        if (problem !== undefined) issues.push({ file, path: at("url"), message: problem });
        const first = this.firstByUrl.get(url);
        if (first === undefined) this.firstByUrl.set(url, ordinal);
        else if (!duplicateId) {
          // A copy-pasted input is one mistake: its duplicate id says so, its URL need not.
          const group = this.sharedUrls.get(url);
          if (group === undefined) this.sharedUrls.set(url, [first, ordinal]);
          else group.push(ordinal);
        }
      }
      // Paths are built only for values that may hold a problem: most inputs have none.
      if (Array.isArray(concepts) && concepts.length > 1) {
        checkConcepts(concepts, { file, path: at("concepts") }, issues);
      }
      if (isRecord(metadata) && !isCleanMetadata(metadata)) {
        checkMetadata(metadata, { file, path: at("metadata") }, issues);
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
        if (this.allows[ordinal] ?? this.defaultAllows) continue;
        const other = ordinal === group[0] ? group[1] : group[0];
        if (other === undefined) continue;
        const otherId = this.ids[other] ?? "?";
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

  private locateOrdinal(ordinal: number): { file: number; index: number } {
    // The last file that starts at or before the ordinal (binary search: starts ascend).
    let low = 0;
    let high = this.ordinalStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.ordinalStarts[middle] ?? 0) <= ordinal) low = middle;
      else high = middle - 1;
    }
    return {
      file: this.ordinalFiles[low] ?? 0,
      index: ordinal - (this.ordinalStarts[low] ?? 0),
    };
  }

  private placeOf(ordinal: number, field: string): RulePlace {
    const { file, index } = this.locateOrdinal(ordinal);
    return { file, path: ["inputs", index, field] };
  }
}

function urlProblem(url: string): string | undefined {
  // The API trims surrounding spaces, so the live URL would never equal the declared one.
  if (url.trim() !== url) return "must not start or end with whitespace";
  if (!URL.canParse(url)) return "is not a valid URL";
  return undefined;
}

interface Where {
  file: number;
  path: DocPath;
}

function checkConcepts(concepts: unknown, where: Where, issues: RuleIssue[]): void {
  if (!Array.isArray(concepts)) return;
  const firstIndex = new Map<string, number>();
  concepts.forEach((concept: unknown, index) => {
    const id = typeof concept === "string" ? concept : isRecord(concept) ? concept.id : undefined;
    if (typeof id !== "string") return;
    const first = firstIndex.get(id);
    if (first === undefined) {
      firstIndex.set(id, index);
      return;
    }
    issues.push({
      file: where.file,
      path: [...where.path, index],
      message: `concept "${id}" is listed twice (first as concepts[${first}])`,
    });
  });
}

function isCleanMetadata(metadata: Record<string, unknown>): boolean {
  return !Object.hasOwn(metadata, OWNERSHIP_KEY) && isJsonSafe(metadata);
}

function checkMetadata(metadata: unknown, where: Where, issues: RuleIssue[]): void {
  if (!isRecord(metadata)) return;
  if (Object.hasOwn(metadata, OWNERSHIP_KEY)) {
    issues.push({
      file: where.file,
      path: [...where.path, OWNERSHIP_KEY],
      message: `"${OWNERSHIP_KEY}" is reserved for dataset's ownership marker; use another key`,
      key: true,
    });
  }
  findNonJsonNumbers(metadata, [...where.path], (path, value) => {
    issues.push({
      file: where.file,
      path,
      message: `must be a finite number (JSON has no ${value})`,
    });
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

function isJsonSafe(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
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
