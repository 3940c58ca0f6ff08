/**
 * Where things are in a YAML text: an index of collections (keys, key offsets, child offsets)
 * built from js-yaml's events, and offset → line:column. Pure.
 *
 * Indexing everything costs more memory than the document's values, so a scan indexes only the
 * collections a `want` predicate asks for; the others become stubs that know where they start.
 */
import type { Event, ScalarEvent } from "js-yaml";
import { EVENT_ID, getScalarValue, SCALAR_STYLE } from "js-yaml";
import type { DocPath } from "./doc-path.js";

/** 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

export const NO_OFFSET = -1;

/** Offset of a scalar or alias. */
type LeafOffset = number;
export type IndexNode = LeafOffset | Stub | SeqIndex | MapIndex;

/** A collection that was not indexed: only its start is known. */
class Stub {
  constructor(readonly start: number) {}
}

class SeqIndex {
  constructor(
    readonly start: number,
    readonly items: IndexNode[] = [],
  ) {}
}

class MapIndex {
  readonly keys: string[] = [];
  readonly keyStarts: number[] = [];
  readonly values: IndexNode[] = [];
  constructor(readonly start: number) {}
}

export interface EventScan {
  root: IndexNode | undefined;
  documents: number;
  /** Offset where a second document starts, if any. */
  secondDocument: number;
  /** Offset of the first alias beyond `maxAliasCount`, if any. */
  aliasOverflow: number;
  firstAlias: number;
  /** Scalars, collections and aliases: what the document holds before aliases expand. */
  nodes: number;
}

export interface ScanOptions {
  /** Most aliases before `aliasOverflow` is set; -1 for no limit. */
  maxAliasCount: number;
  /** Whether to index the collection at `path` (its parents are indexed). */
  want(path: DocPath): boolean;
  /** Collections deeper than this are never indexed (cheaper than asking `want`). */
  maxDepth?: number;
}

const DOCUMENT = Symbol("document");
const SKIPPED = Symbol("skipped");

interface Frame {
  node: SeqIndex | MapIndex;
  path: DocPath;
}

/** The index of a collection that was not indexed: only its start is known. */
export function stubAt(start: number): IndexNode {
  return new Stub(start);
}

/**
 * Puts a sequence (of items indexed elsewhere) at `key` of the root mapping, in place of what is
 * there. False when the root is not an indexed mapping holding `key`.
 */
export function replaceRootSequence(
  root: IndexNode | undefined,
  key: string,
  sequence: { start: number; items: IndexNode[] },
): boolean {
  if (!(root instanceof MapIndex)) return false;
  const at = root.keys.indexOf(key);
  if (at === -1 || at >= root.values.length) return false;
  root.values[at] = new SeqIndex(sequence.start, sequence.items);
  return true;
}

/** One pass over the events: counts documents, nodes and aliases, and indexes what is wanted. */
export function scanEvents(
  text: string,
  events: readonly Event[],
  options: ScanOptions,
): EventScan {
  const scan: EventScan = {
    root: undefined,
    documents: 0,
    secondDocument: NO_OFFSET,
    aliasOverflow: NO_OFFSET,
    firstAlias: NO_OFFSET,
    nodes: 0,
  };
  let aliases = 0;
  const stack: (Frame | typeof DOCUMENT | typeof SKIPPED)[] = [];
  const top = () => stack[stack.length - 1];
  /** The path a new child of the innermost frame would have, or undefined when it is not indexed. */
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const childPath = (): DocPath | undefined => {
    const parent = top();
    if (parent === DOCUMENT) return scan.documents === 1 ? [] : undefined;
    if (parent === undefined || parent === SKIPPED) return undefined;
    const { node, path } = parent;
    if (path.length >= maxDepth) return undefined;
    if (node instanceof SeqIndex) return [...path, node.items.length];
    return [...path, node.keys[node.keys.length - 1] ?? ""];
  };
  const attach = (child: IndexNode, keyText: () => string): void => {
    const parent = top();
    if (parent === undefined || parent === SKIPPED) return;
    if (parent === DOCUMENT) {
      if (scan.documents === 1) scan.root = child;
      return;
    }
    const { node } = parent;
    if (node instanceof SeqIndex) node.items.push(child);
    else if (node.keys.length === node.values.length) {
      // A collection as a key cannot be addressed by a path; keep the slot with an empty name.
      node.keys.push(typeof child === "number" ? keyText() : "");
      node.keyStarts.push(nodeStart(child));
    } else node.values.push(child);
  };
  const isKeySlot = (): boolean => {
    const parent = top();
    return (
      typeof parent === "object" &&
      parent.node instanceof MapIndex &&
      parent.node.keys.length === parent.node.values.length
    );
  };

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        scan.documents += 1;
        stack.push(DOCUMENT);
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        scan.nodes += 1;
        const start = nodeOffset(event, event.start);
        if (scan.documents > 1 && scan.secondDocument === NO_OFFSET) scan.secondDocument = start;
        const path = isKeySlot() ? undefined : childPath();
        if (path === undefined || !options.want(path)) {
          attach(new Stub(start), () => "");
          stack.push(SKIPPED);
        } else {
          const node = event.type === EVENT_ID.SEQUENCE ? new SeqIndex(start) : new MapIndex(start);
          attach(node, () => "");
          stack.push({ node, path });
        }
        break;
      }
      case EVENT_ID.SCALAR: {
        scan.nodes += 1;
        const start = scalarStart(event);
        if (scan.documents > 1 && scan.secondDocument === NO_OFFSET) scan.secondDocument = start;
        attach(start, () => getScalarValue(text, event));
        break;
      }
      case EVENT_ID.ALIAS: {
        scan.nodes += 1;
        aliases += 1;
        const start = Math.max(event.anchorStart - 1, 0);
        if (scan.firstAlias === NO_OFFSET) scan.firstAlias = start;
        const max = options.maxAliasCount;
        if (max >= 0 && aliases > max && scan.aliasOverflow === NO_OFFSET)
          scan.aliasOverflow = start;
        attach(start, () => "");
        break;
      }
      case EVENT_ID.POP:
        stack.pop();
        break;
    }
  }
  return scan;
}

/** Where a scalar node starts (at its tag, anchor or opening quote). */
export function scalarStart(event: ScalarEvent): number {
  const quoted =
    event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
  const value = event.valueStart === NO_OFFSET ? NO_OFFSET : event.valueStart - (quoted ? 1 : 0);
  return nodeOffset(event, value);
}

/** Where a node starts: at its tag or anchor (either may come first), else at its content. */
function nodeOffset(event: { tagStart: number; anchorStart: number }, content: number): number {
  // anchorStart points past the `&`.
  const anchor = event.anchorStart === NO_OFFSET ? NO_OFFSET : event.anchorStart - 1;
  const tag = event.tagStart;
  if (tag === NO_OFFSET) return anchor === NO_OFFSET ? content : anchor;
  return anchor === NO_OFFSET ? tag : Math.min(tag, anchor);
}

/**
 * The offset of the node at `path` (of its key with `key`), or of the deepest ancestor that
 * exists. `complete` is false when a stub stopped the walk short: a deeper index is needed.
 */
export function locateOffset(
  root: IndexNode | undefined,
  path: DocPath,
  key: boolean,
): { offset: number; complete: boolean } {
  if (root === undefined) return { offset: 0, complete: true };
  let node: IndexNode = root;
  // An empty value has no offset of its own, so its key (or parent) stands in for it.
  let best = nodeStart(root);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (node instanceof Stub) return { offset: Math.max(best, 0), complete: false };
    if (typeof node === "number") break;
    let child: IndexNode | undefined;
    if (node instanceof SeqIndex) {
      child = typeof segment === "number" ? node.items[segment] : undefined;
    } else {
      const at = node.keys.indexOf(String(segment));
      if (at === -1) break;
      const keyStart = node.keyStarts[at] ?? NO_OFFSET;
      if (keyStart !== NO_OFFSET) best = keyStart;
      if (key && i === path.length - 1) return { offset: best, complete: true };
      child = node.values[at];
    }
    if (child === undefined) break;
    node = child;
    const start = nodeStart(child);
    if (start !== NO_OFFSET) best = start;
  }
  return { offset: Math.max(best, 0), complete: true };
}

function nodeStart(node: IndexNode): number {
  return typeof node === "number" ? node : node.start;
}

/** A `want` predicate for exactly the collections on the way to (and at) some paths. */
export function wantPaths(paths: readonly DocPath[]): (path: DocPath) => boolean {
  const wanted = new Set<string>();
  for (const path of paths) {
    for (let length = 0; length <= path.length; length++) wanted.add(pathKey(path, length));
  }
  return (path) => wanted.has(pathKey(path, path.length));
}

function pathKey(path: DocPath, length: number): string {
  let key = "";
  for (let i = 0; i < length; i++) {
    const segment = path[i];
    key += typeof segment === "number" ? `#${segment}\u0000` : `${segment}\u0000`;
  }
  return key;
}

/** Maps offsets to 1-based line:column (columns in UTF-16 code units, as editors count them). */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  position(offset: number): Position {
    const starts = this.lineStarts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  }

  private lineStarts(): number[] {
    if (this.starts !== undefined) return this.starts;
    const starts = [0];
    const text = this.text;
    if (text.includes("\r")) {
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code === 10) starts.push(i + 1);
        else if (code === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
      }
    } else {
      // indexOf is several times faster than a character loop on large files.
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    }
    this.starts = starts;
    return starts;
  }
}
