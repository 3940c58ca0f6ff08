/**
 * YAML text → plain values, with the positions of their nodes on demand. Pure: text in, result
 * out.
 *
 * js-yaml's event parser is used rather than `yaml`'s document model: on a 100,000-input manifest
 * the latter takes ~16 s and 1.7 GB, the former ~1 s. Events carry source offsets, from which
 * yaml-index.ts builds a lean index in the same pass.
 */
import type { Event } from "js-yaml";
import { constructFromEvents, parseEvents, YAMLException } from "js-yaml";
import type { DocPath } from "./doc-path.js";
import { parseInputsInSlices } from "./yaml-chunks.js";
import type { IndexNode, Position } from "./yaml-index.js";
import { LineIndex, locateOffset, NO_OFFSET, scanEvents, wantPaths } from "./yaml-index.js";

/** Guards against documents whose aliases expand abusively ("billion laughs"). */
export interface YamlLimits {
  /** Most alias nodes (`*name`) one document may hold. */
  maxAliasCount: number;
  /** How many values aliases may add to the document once expanded. */
  maxAliasExpansion: number;
}

/** Where to find: the node at `path`, or its key with `key`. */
export interface LocateRequest {
  path: DocPath;
  key?: boolean;
}

/** A parsed document. */
export interface YamlDocument {
  /** The document as plain values; `null` when empty. Aliases share references: read-only. */
  value: unknown;
  /**
   * Positions of the requested nodes (of the deepest ancestor that exists, for a path that does
   * not), in request order. Ask for many at once: positions deep inside large documents cost a
   * second parse, done once per call.
   */
  locateAll(requests: readonly LocateRequest[]): Position[];
  /** `locateAll` for one request. */
  locate(path: DocPath, options?: { key?: boolean }): Position;
  /** The text of the plain scalar at `path` as written (e.g. `9007199254740993`). */
  plainScalarText(path: DocPath): string | undefined;
}

export type ParseYamlResult =
  | { ok: true; document: YamlDocument }
  | { ok: false; position: Position; message: string };

/**
 * The first pass indexes the root and its collections: every input's own position, without
 * indexing what lies inside the inputs. Positions inside an input (only problems need them)
 * cost a second parse, once per batch of problems.
 */
const SHALLOW_DEPTH = 2;

export function parseYaml(text: string, limits: YamlLimits): ParseYamlResult {
  const lines = new LineIndex(text);
  // Slices of a large `inputs:` list when that gives what the whole parse would (yaml-chunks.ts).
  const sliced = parseInputsInSlices(text);
  if (sliced !== undefined) return { ok: true, document: yamlDocument(text, lines, sliced) };
  return parseWhole(text, limits, lines);
}

/** {@link parseYaml} without slices: the one source of its errors. Exported for tests. */
export function parseWhole(
  text: string,
  limits: YamlLimits,
  lines = new LineIndex(text),
): ParseYamlResult {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch (error) {
    return syntaxFailure(error, text, lines);
  }
  const scan = scanEvents(text, events, {
    maxAliasCount: limits.maxAliasCount,
    want: () => true,
    maxDepth: SHALLOW_DEPTH - 1,
  });
  if (scan.documents > 1) {
    return {
      ok: false,
      position: lines.position(Math.max(scan.secondDocument, 0)),
      message: "a manifest file holds one YAML document; remove the second one (after `---`)",
    };
  }
  if (scan.aliasOverflow !== NO_OFFSET) {
    return {
      ok: false,
      position: lines.position(scan.aliasOverflow),
      message: `more than ${limits.maxAliasCount} YAML aliases; refusing to expand them`,
    };
  }
  let value: unknown;
  try {
    value = constructFromEvents(events, { source: text })[0] ?? null;
  } catch (error) {
    return syntaxFailure(error, text, lines);
  }
  if (scan.firstAlias !== NO_OFFSET && !fitsBudget(value, scan.nodes + limits.maxAliasExpansion)) {
    return {
      ok: false,
      position: lines.position(scan.firstAlias),
      message: `YAML aliases expand this document by more than ${limits.maxAliasExpansion} values; refusing to process it`,
    };
  }
  return { ok: true, document: yamlDocument(text, lines, { value, root: scan.root }) };
}

/** The document over a parse's values and shallow index; deeper positions parse again. */
function yamlDocument(
  text: string,
  lines: LineIndex,
  parsed: { value: unknown; root: IndexNode | undefined },
): YamlDocument {
  const { value, root: shallow } = parsed;
  const offsetsOf = (requests: readonly LocateRequest[]): number[] => {
    const found = requests.map((request) =>
      locateOffset(shallow, request.path, request.key ?? false),
    );
    const deeper = requests.filter((_, i) => !found[i]?.complete);
    let deep: IndexNode | undefined;
    if (deeper.length > 0) {
      // The text parsed once already, so it parses again; index only the paths asked for.
      const want = wantPaths(deeper.map((request) => request.path));
      deep = scanEvents(text, parseEvents(text, {}), { maxAliasCount: -1, want }).root;
    }
    return requests.map((request, i) => {
      const hit = found[i];
      return hit?.complete
        ? hit.offset
        : locateOffset(deep, request.path, request.key ?? false).offset;
    });
  };
  const locateAll = (requests: readonly LocateRequest[]): Position[] =>
    offsetsOf(requests).map((offset) => lines.position(offset));
  return {
    value,
    locateAll,
    locate: (path, options) =>
      locateAll([{ path, key: options?.key ?? false }])[0] ?? { line: 1, column: 1 },
    plainScalarText: (path) => {
      const offset = offsetsOf([{ path }])[0] ?? 0;
      return /^[^\s,\]}#]+/.exec(text.slice(offset, offset + 200))?.[0];
    },
  };
}

function syntaxFailure(error: unknown, text: string, lines: LineIndex): ParseYamlResult {
  if (error instanceof YAMLException) {
    const offset = error.mark?.position ?? 0;
    let reason = error.reason;
    if (reason === "duplicated mapping key") {
      const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]+?)\s*:/.exec(text.slice(offset, offset + 200))?.[1];
      if (key !== undefined)
        reason = `duplicate key ${key.startsWith('"') ? key : JSON.stringify(key.replace(/^'|'$/g, ""))}`;
    }
    return { ok: false, position: lines.position(offset), message: `invalid YAML: ${reason}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, position: { line: 1, column: 1 }, message: `invalid YAML: ${message}` };
}

/** Whether `value`, expanded as a tree, holds at most `budget` values. Stops counting early. */
function fitsBudget(value: unknown, budget: number): boolean {
  const pending: unknown[] = [value];
  let count = 0;
  while (pending.length > 0) {
    const next = pending.pop();
    count += 1;
    if (count > budget) return false;
    if (Array.isArray(next)) {
      for (const item of next) pending.push(item);
    } else if (typeof next === "object" && next !== null) {
      for (const item of Object.values(next)) pending.push(item);
    }
  }
  return true;
}
