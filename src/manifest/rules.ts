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

/** The reserved metadata key that carries ownership (contract §4). */
export const RESERVED_METADATA_KEY = "_dataset";

/** One element of some file's `inputs:`. */
export interface InputRecord {
  /** Index of the declaring file in load order (0: the root manifest). */
  file: number;
  /** Index in that file's `inputs`. */
  index: number;
  value: unknown;
}

/** A rule violation, still to be given a file position. */
export interface RuleIssue {
  file: number;
  path: DocPath;
  message: string;
  /** Point at the mapping key rather than its value. */
  key?: boolean;
}

export interface RuleContext {
  /** The root manifest's `defaults` as written. */
  defaults: unknown;
  /** The schema's URL pattern: only URLs that pass it are parsed further. */
  urlPattern: RegExp;
  /** `file:line:col` of a path in a file, to name the other place of a duplicate. */
  where(file: number, path: DocPath): string;
}

export function checkRules(records: readonly InputRecord[], context: RuleContext): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const defaults = isRecord(context.defaults) ? context.defaults : {};
  checkConcepts(defaults.concepts, { file: 0, path: ["defaults", "concepts"] }, issues);
  checkMetadata(defaults.metadata, { file: 0, path: ["defaults", "metadata"] }, issues);

  const firstById = new Map<string, InputRecord>();
  const firstByUrl = new Map<string, InputRecord>();
  // Only URLs declared more than once get a list: most are unique.
  const sharedUrls = new Map<string, InputRecord[]>();
  for (const record of records) {
    if (!isRecord(record.value)) continue;
    const { id, url, concepts, metadata } = record.value;
    const at = (...rest: (string | number)[]): DocPath => ["inputs", record.index, ...rest];
    let duplicateId = false;
    if (typeof id === "string") {
      const first = firstById.get(id);
      if (first === undefined) firstById.set(id, record);
      else {
        duplicateId = true;
        const there = context.where(first.file, ["inputs", first.index, "id"]);
        issues.push({
          file: record.file,
          path: at("id"),
          message: `duplicate input id "${id}" (also declared at ${there})`,
        });
      }
    }
    if (typeof url === "string" && context.urlPattern.test(url)) {
      const problem = urlProblem(url);
      if (problem !== undefined)
        issues.push({ file: record.file, path: at("url"), message: problem });
      const first = firstByUrl.get(url);
      if (first === undefined) firstByUrl.set(url, record);
      else if (!duplicateId) {
        // A copy-pasted input is one mistake: its duplicate id says so, its URL need not.
        const group = sharedUrls.get(url);
        if (group === undefined) sharedUrls.set(url, [first, record]);
        else group.push(record);
      }
    }
    // Paths are built only for values that may hold a problem: most inputs have none.
    if (Array.isArray(concepts) && concepts.length > 1) {
      checkConcepts(concepts, { file: record.file, path: at("concepts") }, issues);
    }
    if (isRecord(metadata) && !isCleanMetadata(metadata)) {
      checkMetadata(metadata, { file: record.file, path: at("metadata") }, issues);
    }
  }

  const defaultAllows = defaults.allow_duplicate_url === true;
  for (const group of sharedUrls.values()) {
    for (const record of group) {
      if (allowsDuplicateUrl(record.value, defaultAllows)) continue;
      const other = record === group[0] ? group[1] : group[0];
      if (other === undefined) continue;
      const otherId = isRecord(other.value) ? String(other.value.id) : "?";
      const there = context.where(other.file, ["inputs", other.index, "url"]);
      issues.push({
        file: record.file,
        path: ["inputs", record.index, "url"],
        message: `URL also used by input "${otherId}" at ${there}; set allow_duplicate_url: true on every input that shares it`,
      });
    }
  }
  return issues;
}

function allowsDuplicateUrl(input: unknown, defaultAllows: boolean): boolean {
  const own = isRecord(input) ? input.allow_duplicate_url : undefined;
  return typeof own === "boolean" ? own : defaultAllows;
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
  return !Object.hasOwn(metadata, RESERVED_METADATA_KEY) && isJsonSafe(metadata);
}

function checkMetadata(metadata: unknown, where: Where, issues: RuleIssue[]): void {
  if (!isRecord(metadata)) return;
  if (Object.hasOwn(metadata, RESERVED_METADATA_KEY)) {
    issues.push({
      file: where.file,
      path: [...where.path, RESERVED_METADATA_KEY],
      message: `"${RESERVED_METADATA_KEY}" is reserved for dataset's ownership marker; use another key`,
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
