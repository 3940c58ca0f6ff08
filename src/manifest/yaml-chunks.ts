/**
 * A large manifest's `inputs:` list, parsed a slice of items at a time. Pure.
 *
 * js-yaml builds every event of a text before any value (~32 objects per input, ~0.5 GB for a
 * 100,000-input file), and they all outlive the young generation. Parsed a few hundred items at a
 * time, they die young and the peak holds only the values.
 *
 * It applies only to one layout, the one people and generators write: a root block mapping with
 * `inputs:` alone on a line at column 0, then items `- …` all at one indentation, each item's text
 * starting on a line of its own. The rest of the file (the "skeleton", with the list blanked out)
 * is parsed as before. The pieces are accepted only when the whole-file parse is certain to give
 * the same values and positions; anything else (a parse error anywhere, tags, anchors, aliases,
 * an item count that does not match its lines, a second document) returns `undefined`, and the
 * caller parses the whole text, so that errors and their positions come from one place.
 *
 * Why a line `<indent>- ` at the list's indentation always starts an item of the whole-file
 * parse: every scalar and collection inside an item is indented at least one column more than
 * the list, so such a line ends a block or plain scalar, and inside a quoted scalar or a flow
 * collection it is an error ("deficient indentation") of the whole file — and of the cut slice,
 * which then ends inside that quote or bracket. Each slice is parsed with the same parser
 * functions at the same indentation as in the whole file, one nesting level higher (hence the
 * lower depth limit).
 */
import type { Event } from "js-yaml";
import {
  COLLECTION_STYLE,
  CORE_SCHEMA,
  constructFromEvents,
  EVENT_ID,
  getScalarValue,
  mapTag,
  parseEvents,
  SCALAR_STYLE,
} from "js-yaml";
import type { IndexNode } from "./yaml-index.js";
import { NO_OFFSET, replaceRootSequence, scalarStart, scanEvents, stubAt } from "./yaml-index.js";

/** What the whole-file parse would give: the value and the shallow position index. */
export interface ChunkedParse {
  value: Record<string, unknown>;
  root: IndexNode | undefined;
}

/** Items per slice: enough to amortise a parse call, few enough that its events die young. */
const ITEMS_PER_SLICE = 500;
/** js-yaml's default nesting limit, less the levels a slice does not have (see the header). */
const SLICE_MAX_DEPTH = 100 - 2;

const INPUTS_LINE = /^inputs:[ ]*(?:#[^\r\n]*)?\r?$/m;

/** Where the `inputs:` list lies in the text, when the text has the supported layout. */
interface ListLayout {
  /** Offset of the `inputs:` key. */
  keyStart: number;
  /** Spaces before each item's `-`. */
  indent: number;
  /** Offsets of the lines that start items; the first is where the list starts. */
  itemStarts: number[];
  /** Where the first line after the list starts (content at column 0), or the text's length. */
  end: number;
}

/** The parse of `text` through slices of its `inputs:` list, or undefined: parse it whole. */
export function parseInputsInSlices(text: string): ChunkedParse | undefined {
  const layout = findListLayout(text);
  if (layout === undefined) return undefined;
  const skeleton = parseSkeleton(text, layout);
  if (skeleton === undefined) return undefined;
  const items: unknown[] = [];
  const index: IndexNode[] = [];
  const { itemStarts } = layout;
  for (let first = 0; first < itemStarts.length; first += ITEMS_PER_SLICE) {
    const last = Math.min(first + ITEMS_PER_SLICE, itemStarts.length);
    const start = itemStarts[first] ?? 0;
    const end = last < itemStarts.length ? (itemStarts[last] ?? 0) : layout.end;
    if (!parseSlice(text.slice(start, end), { base: start, items: last - first }, items, index))
      return undefined;
  }
  const listStart = (itemStarts[0] ?? 0) + layout.indent;
  if (!replaceRootSequence(skeleton.root, "inputs", { start: listStart, items: index }))
    return undefined;
  skeleton.value.inputs = items;
  return skeleton;
}

/**
 * The supported layout: `inputs:` at column 0, then only blank and comment lines before the first
 * `<indent>- ` line (indent ≥ 1); the list runs to the next line with content at column 0.
 */
function findListLayout(text: string): ListLayout | undefined {
  const key = INPUTS_LINE.exec(text);
  if (key === null) return undefined;
  // A lone carriage return is a line break to js-yaml but not to the line scan below.
  if (text.includes("\r") && /\r(?!\n)/.test(text)) return undefined;
  const afterKey = text.indexOf("\n", key.index);
  if (afterKey === -1) return undefined;
  const itemStarts: number[] = [];
  let indent = -1;
  let end = text.length;
  for (let line = afterKey + 1; line < text.length; ) {
    const next = text.indexOf("\n", line);
    const lineEnd = next === -1 ? text.length : next;
    let at = line;
    while (at < lineEnd && text.charCodeAt(at) === 32) at++;
    const first = at < lineEnd ? text.charCodeAt(at) : 10;
    const blank = first === 10 || (first === 13 && at + 1 === lineEnd);
    if (!blank && first !== 35) {
      if (at === line) {
        end = line;
        break;
      }
      const after = text.charCodeAt(at + 1);
      const entry =
        first === 45 && (at + 1 === lineEnd || after === 32 || after === 9 || after === 13);
      if (indent === -1) {
        if (!entry) return undefined;
        indent = at - line;
      }
      if (entry && at - line === indent) itemStarts.push(line);
    }
    line = next === -1 ? text.length : next + 1;
  }
  if (itemStarts.length === 0) return undefined;
  return { keyStart: key.index, indent, itemStarts, end };
}

/**
 * The text with the list blanked out (same offsets), parsed whole: accepted when it is one
 * document whose root is a block mapping holding, at `inputs:`, an empty value, with no alias.
 */
function parseSkeleton(text: string, layout: ListLayout): ChunkedParse | undefined {
  const listStart = layout.itemStarts[0] ?? 0;
  const length = layout.end - listStart;
  const skeleton =
    layout.end === text.length
      ? text.slice(0, listStart)
      : `${text.slice(0, listStart)}${" ".repeat(length - 1)}\n${text.slice(layout.end)}`;
  let events: Event[];
  let value: unknown;
  try {
    events = parseEvents(skeleton, {});
    if (!emptyInputsAt(events, layout.keyStart)) return undefined;
    const scan = scanEvents(skeleton, events, {
      maxAliasCount: -1,
      want: () => true,
      maxDepth: 1,
    });
    if (scan.documents !== 1 || scan.firstAlias !== NO_OFFSET) return undefined;
    value = constructFromEvents(events, { source: skeleton })[0];
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    return { value: value as Record<string, unknown>, root: scan.root };
  } catch {
    return undefined;
  }
}

/** Whether the root block mapping's key at `keyStart` is a plain `inputs` with an empty value. */
function emptyInputsAt(events: readonly Event[], keyStart: number): boolean {
  const root = events[1];
  if (events[0]?.type !== EVENT_ID.DOCUMENT || root?.type !== EVENT_ID.MAPPING) return false;
  if (root.style !== COLLECTION_STYLE.BLOCK) return false;
  // Inside the root mapping (depth 1), nodes alternate: key, value, key…
  let depth = 1;
  let key = true;
  for (let i = 2; i < events.length; i++) {
    const event = events[i] as Event;
    if (event.type === EVENT_ID.POP) {
      depth--;
      if (depth === 0) return false;
      if (depth === 1) key = !key;
    } else if (event.type === EVENT_ID.SEQUENCE || event.type === EVENT_ID.MAPPING) {
      depth++;
    } else if (depth === 1) {
      if (key && event.type === EVENT_ID.SCALAR && event.valueStart === keyStart) {
        const next = events[i + 1];
        return (
          event.style === SCALAR_STYLE.PLAIN &&
          event.tagStart === NO_OFFSET &&
          event.anchorStart === NO_OFFSET &&
          event.valueEnd === keyStart + "inputs".length &&
          next?.type === EVENT_ID.SCALAR &&
          next.valueStart === NO_OFFSET &&
          next.tagStart === NO_OFFSET &&
          next.anchorStart === NO_OFFSET
        );
      }
      key = !key;
    }
  }
  return false;
}

const NO_KEY = Symbol("no key");

/**
 * Parses one slice of items (a block sequence of exactly `expected.items` items, no tags, anchors
 * or aliases) and appends its values and their positions (offsets in the whole text).
 *
 * The values are built here rather than by js-yaml's `constructFromEvents`, in the same pass
 * that indexes the items: without tags, anchors, aliases or merge keys, constructing is resolving
 * plain scalars with the core schema and adding pairs as js-yaml's default mapping does. Anything
 * js-yaml would reject (a duplicate or complex key) makes the slice fail, and the whole-file parse
 * reports it.
 */
function parseSlice(
  slice: string,
  expected: { base: number; items: number },
  items: unknown[],
  index: IndexNode[],
): boolean {
  let events: Event[];
  try {
    events = parseEvents(slice, { maxDepth: SLICE_MAX_DEPTH });
  } catch {
    return false;
  }
  const { base } = expected;
  const list = events[1];
  if (events[0]?.type !== EVENT_ID.DOCUMENT || list?.type !== EVENT_ID.SEQUENCE) return false;
  if (list.style !== COLLECTION_STYLE.BLOCK || events.length < 4) return false;
  const firstItem = index.length;
  // Open collections, innermost last, with the pending key of each mapping.
  const open: (unknown[] | Record<string, unknown>)[] = [items];
  const keys: unknown[] = [NO_KEY];
  // events[1] is the slice's list, whose items go straight into `items`; the last two close it
  // and the document.
  for (let i = 2; i < events.length - 2; i++) {
    const event = events[i] as Event;
    let value: unknown;
    switch (event.type) {
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        if (event.tagStart !== NO_OFFSET || event.anchorStart !== NO_OFFSET) return false;
        if (open.length === 1) index.push(stubAt(base + event.start));
        open.push(event.type === EVENT_ID.SEQUENCE ? [] : mapTag.create(""));
        keys.push(NO_KEY);
        continue;
      case EVENT_ID.SCALAR: {
        if (event.tagStart !== NO_OFFSET || event.anchorStart !== NO_OFFSET) return false;
        if (open.length === 1) index.push(base + scalarStart(event));
        const source = getScalarValue(slice, event);
        value =
          event.style === SCALAR_STYLE.PLAIN
            ? CORE_SCHEMA.resolveImplicitScalarTag(source).value
            : source;
        break;
      }
      case EVENT_ID.POP:
        if (open.length === 1 || keys[keys.length - 1] !== NO_KEY) return false;
        value = open.pop();
        keys.pop();
        break;
      default:
        return false;
    }
    const parent = open[open.length - 1] as unknown[] | Record<string, unknown>;
    if (Array.isArray(parent)) {
      parent.push(value);
      continue;
    }
    const key = keys[keys.length - 1];
    if (key === NO_KEY) {
      keys[keys.length - 1] = value;
      continue;
    }
    if (mapTag.has(parent, key) || mapTag.addPair(parent, key, value) !== "") return false;
    keys[keys.length - 1] = NO_KEY;
  }
  const closing = events.length - 2;
  if (events[closing]?.type !== EVENT_ID.POP || events[closing + 1]?.type !== EVENT_ID.POP)
    return false;
  return open.length === 1 && index.length - firstItem === expected.items;
}
