/**
 * The declared inputs of a loaded manifest, kept compact: per input only what decides "same or
 * not" against the live app (id, image identity, the 64-bit fingerprint of its key of concepts +
 * metadata, two flags) and where it was declared, in columns rather than objects (ids and images
 * as text in buffers, outside the object heap). The concepts and metadata themselves are in a
 * {@link KeyStore} (in memory, or a file a loader writes) as JSON text: the key and a full
 * {@link DesiredInput} are rebuilt from them on demand, for the few inputs a plan changes. Pure.
 */
import { IntColumn, NumberColumn } from "../util/int-column.js";
import { StringTable } from "../util/string-table.js";
import { TextColumn } from "../util/text-column.js";
import { inputKey, PART_SEPARATOR, parseInputKey } from "./input-key.js";
import { KeyFingerprinter } from "./key-fingerprint.js";
import { type KeyStore, type KeyWriter, MemoryKeyStore } from "./key-store.js";
import { normaliseConcept } from "./normalise.js";
import type { RawInput } from "./raw.js";
import {
  type DesiredImage,
  type DesiredInput,
  OWNERSHIP_KEY,
  type SourceLocation,
} from "./types.js";

const FILE = 1;
const ALLOW_DUPLICATE_URL = 2;
/** The origin is `file:line` of where it was declared (a row or line of a source): not stored. */
const ORIGIN_AT_SOURCE = 4;
/**
 * Its source file is its origin (a folder's image, which problems point to as a whole): the name
 * is kept once, as the origin, not in the table of source files (a name per input).
 */
const SOURCE_IS_ORIGIN = 8;
/** In `sourceFiles`: see {@link SOURCE_IS_ORIGIN}. */
const NO_SOURCE_NAME = -1;

/** A run of consecutive inputs in transferable form (plain arrays of strings and numbers). */
export interface DesiredChunk {
  ids: string[];
  /** The URL as declared, or the sha256 of a file. */
  images: string[];
  flags: number[];
  /** The key's fingerprint, lanes `lo, hi` per input. */
  fingerprints: number[];
  /** Where the key is in the key store. */
  keyHandles: number[];
  /** The positions in the chunk of its file inputs (ascending), and what each needs besides its sha256. */
  fileAt: number[];
  fileAbsPaths: string[];
  filePaths: string[];
  fileSizes: number[];
  /** The names of the source files of this chunk's inputs (a table keeps repeats cheap). */
  sourceNames: string[];
  /** Per input, its source file's name in {@link sourceNames} (-1: its origin, see SOURCE_IS_ORIGIN). */
  sourceFiles: number[];
  lines: number[];
  columns: number[];
  /** The positions in the chunk of inputs with an origin not stored otherwise, and the origins. */
  originAt: number[];
  origins: string[];
}

/** Where declared inputs go as a load normalises them. */
export interface DesiredSink {
  add(input: DesiredInput): void;
}

/**
 * Where columns keep ids and images: an index in a {@link TextColumn} (outside the object heap);
 * a sink, which hands them on a chunk at a time, in arrays.
 */
interface Texts {
  readonly length: number;
  push(text: string): void;
  at(index: number): string | undefined;
  clear(): void;
}

/**
 * Texts some inputs have (a file input's paths, a source input's origin), by the input's position:
 * positions ascend, so one is found by a binary search. Cheaper than a Map of positions, and the
 * texts stay in the column's form (outside the object heap in an index).
 */
class Sparse<T extends Texts> {
  readonly positions = new IntColumn();

  constructor(readonly texts: T) {}

  push(position: number, text: string): void {
    this.positions.push(position);
    this.texts.push(text);
  }

  /** The row of `position`, or -1. */
  rowOf(position: number): number {
    const row = this.positions.lowerBound(position);
    return row < this.positions.length && this.positions.at(row) === position ? row : -1;
  }

  textAt(position: number): string | undefined {
    const row = this.rowOf(position);
    return row === -1 ? undefined : this.texts.at(row);
  }

  clear(): void {
    this.positions.clear();
    this.texts.clear();
  }
}

class StringList implements Texts {
  private items: string[] = [];

  get length(): number {
    return this.items.length;
  }

  push(text: string): void {
    this.items.push(text);
  }

  at(index: number): string | undefined {
    return this.items[index];
  }

  slice(from: number, to: number): string[] {
    return this.items.slice(from, to);
  }

  clear(): void {
    this.items = [];
  }
}

/** Compact columns of declared inputs, in load order; keys go to `keys`. */
class Columns<T extends Texts = Texts> {
  readonly ids: T;
  readonly images: T;
  readonly flags = new IntColumn();
  readonly fingerprintLo = new IntColumn();
  readonly fingerprintHi = new IntColumn();
  readonly keyHandles = new NumberColumn();
  /** File inputs: the absolute path (by position), the path as declared and the size (by row). */
  readonly fileAbsPaths: Sparse<T>;
  readonly filePaths: T;
  readonly fileSizes = new NumberColumn();
  readonly sourceNames: string[] = [];
  private readonly sourceNameIndex = new Map<string, number>();
  readonly sourceFiles = new IntColumn();
  readonly lines = new IntColumn();
  readonly columns = new IntColumn();
  readonly origins: Sparse<T>;
  private readonly fingerprinter = new KeyFingerprinter();
  private lastKey = { concepts: "", metadata: "", handle: -1 };

  constructor(
    private readonly keys: KeyWriter,
    texts: () => T,
  ) {
    this.ids = texts();
    this.images = texts();
    this.fileAbsPaths = new Sparse(texts());
    this.filePaths = texts();
    this.origins = new Sparse(texts());
  }

  get size(): number {
    return this.ids.length;
  }

  push(input: DesiredInput): void {
    const at = this.ids.length;
    this.ids.push(input.id);
    const { image } = input;
    let flags = input.allowDuplicateUrl ? ALLOW_DUPLICATE_URL : 0;
    if (image.kind === "file") {
      flags |= FILE;
      this.images.push(image.sha256);
      this.fileAbsPaths.push(at, image.absPath);
      this.filePaths.push(image.path);
      this.fileSizes.push(image.size);
    } else this.images.push(image.url);
    const { source, origin } = input;
    const sourceIsOrigin = origin === source.file;
    if (origin !== undefined) {
      if (sourceIsOrigin) flags |= SOURCE_IS_ORIGIN;
      if (origin === `${source.file}:${source.line}`) flags |= ORIGIN_AT_SOURCE;
      else this.origins.push(at, origin);
    }
    this.flags.push(flags);
    const { lo, hi } = this.fingerprinter.of(input.concepts, input.metadata, OWNERSHIP_KEY);
    this.fingerprintLo.push(lo);
    this.fingerprintHi.push(hi);
    // As written (a JSONL line) or as JSON.stringify writes them (native, no sorted copy): the
    // key is made only when it is read, for the few inputs a plan changes (a million keys made
    // at load took ~3 s).
    this.keyHandles.push(
      input.json !== undefined
        ? this.keys.putInput(input.json)
        : this.keyOf(JSON.stringify(input.concepts), JSON.stringify(input.metadata)),
    );
    this.sourceFiles.push(sourceIsOrigin ? NO_SOURCE_NAME : this.sourceName(source.file));
    this.lines.push(source.line);
    this.columns.push(source.column);
  }

  /**
   * The handle of a key put: the previous one's when it is the same text (a folder's inputs of
   * one class folder share theirs), so that a run of equal keys is stored once.
   */
  private keyOf(concepts: string, metadata: string): number {
    if (concepts !== this.lastKey.concepts || metadata !== this.lastKey.metadata) {
      this.lastKey = { concepts, metadata, handle: this.keys.put(concepts, metadata) };
    }
    return this.lastKey.handle;
  }

  /** The position of a source file's name in the table of names. */
  private sourceName(file: string): number {
    let name = this.sourceNameIndex.get(file);
    if (name === undefined) {
      name = this.sourceNames.length;
      this.sourceNames.push(file);
      this.sourceNameIndex.set(file, name);
    }
    return name;
  }

  /** Inputs [from, to) as a chunk. */
  chunk(this: Columns<StringList>, from: number, to: number): DesiredChunk {
    const fingerprints: number[] = [];
    // Only the names this chunk uses.
    const sourceNames: string[] = [];
    const sourceFiles: number[] = [];
    const local = new Map<number, number>();
    for (let i = from; i < to; i++) {
      fingerprints.push(this.fingerprintLo.at(i), this.fingerprintHi.at(i));
      const name = this.sourceFiles.at(i);
      let at = name === NO_SOURCE_NAME ? NO_SOURCE_NAME : local.get(name);
      if (at === undefined) {
        at = sourceNames.push(this.sourceNames[name] as string) - 1;
        local.set(name, at);
      }
      sourceFiles.push(at);
    }
    const files = this.fileAbsPaths.positions;
    const [fileFrom, fileTo] = [files.lowerBound(from), files.lowerBound(to)];
    const origins = this.origins.positions;
    const [originFrom, originTo] = [origins.lowerBound(from), origins.lowerBound(to)];
    return {
      ids: this.ids.slice(from, to),
      images: this.images.slice(from, to),
      flags: this.flags.slice(from, to),
      fingerprints,
      keyHandles: this.keyHandles.slice(from, to),
      fileAt: files.slice(fileFrom, fileTo).map((position) => position - from),
      fileAbsPaths: this.fileAbsPaths.texts.slice(fileFrom, fileTo),
      filePaths: this.filePaths.slice(fileFrom, fileTo),
      fileSizes: this.fileSizes.slice(fileFrom, fileTo),
      sourceNames,
      sourceFiles,
      lines: this.lines.slice(from, to),
      columns: this.columns.slice(from, to),
      originAt: origins.slice(originFrom, originTo).map((position) => position - from),
      origins: this.origins.texts.slice(originFrom, originTo),
    };
  }

  append(chunk: DesiredChunk): void {
    const base = this.ids.length;
    const names = chunk.sourceNames.map((name) => this.sourceName(name));
    for (let i = 0; i < chunk.ids.length; i++) {
      this.ids.push(chunk.ids[i] as string);
      this.images.push(chunk.images[i] as string);
      this.flags.push(chunk.flags[i] as number);
      this.fingerprintLo.push(chunk.fingerprints[2 * i] as number);
      this.fingerprintHi.push(chunk.fingerprints[2 * i + 1] as number);
      this.keyHandles.push(chunk.keyHandles[i] as number);
      const name = chunk.sourceFiles[i] as number;
      this.sourceFiles.push(name === NO_SOURCE_NAME ? NO_SOURCE_NAME : (names[name] ?? 0));
      this.lines.push(chunk.lines[i] as number);
      this.columns.push(chunk.columns[i] as number);
    }
    chunk.fileAt.forEach((at, i) => {
      this.fileAbsPaths.push(base + at, chunk.fileAbsPaths[i] as string);
      this.filePaths.push(chunk.filePaths[i] as string);
      this.fileSizes.push(chunk.fileSizes[i] as number);
    });
    chunk.originAt.forEach((at, i) => {
      this.origins.push(base + at, chunk.origins[i] as string);
    });
  }

  /** Drops every input (after they were handed on as a chunk). */
  clear(): void {
    this.ids.clear();
    this.images.clear();
    this.flags.clear();
    this.sourceNames.length = 0;
    this.sourceNameIndex.clear();
    this.fingerprintLo.clear();
    this.fingerprintHi.clear();
    this.keyHandles.clear();
    this.fileAbsPaths.clear();
    this.filePaths.clear();
    this.fileSizes.clear();
    this.sourceFiles.clear();
    this.lines.clear();
    this.columns.clear();
    this.origins.clear();
  }
}

/**
 * The declared inputs of a manifest by id. Ids are unique (the loader reports duplicates as
 * problems; adding one twice here is a bug and throws).
 */
export class DesiredIndex implements DesiredSink {
  private readonly columns: Columns<TextColumn>;
  private readonly byId = new StringTable((position, id) => this.columns.ids.equals(position, id));

  /**
   * `keys`: where the keys are read from (appended chunks) and written to ({@link add}); the
   * planner of a loader on a worker thread reads the file the loader writes.
   */
  constructor(private readonly keys: KeyStore = new MemoryKeyStore()) {
    this.columns = new Columns(keys, () => new TextColumn());
  }

  /** An index of the given inputs (tests and small callers). */
  static of(inputs: Iterable<DesiredInput>): DesiredIndex {
    const index = new DesiredIndex();
    for (const input of inputs) index.add(input);
    return index;
  }

  get size(): number {
    return this.columns.size;
  }

  add(input: DesiredInput): void {
    this.claimId(input.id);
    this.columns.push(input);
  }

  /** Appends a chunk made by another index's sink (e.g. a loader on a worker thread). */
  append(chunk: DesiredChunk): void {
    const base = this.columns.size;
    this.columns.append(chunk);
    chunk.ids.forEach((id, i) => {
      if (this.byId.claim(id, base + i) !== undefined) throw duplicateId(id);
    });
  }

  private claimId(id: string): void {
    if (this.byId.claim(id, this.columns.size) !== undefined) throw duplicateId(id);
  }

  /** Position of a declared id, or undefined. */
  indexOf(id: string): number | undefined {
    return this.byId.get(id);
  }

  idAt(index: number): string {
    return this.columns.ids.at(index) as string;
  }

  isFile(index: number): boolean {
    return (this.columns.flags.at(index) & FILE) !== 0;
  }

  /** The declared URL of a URL input, or the sha256 of a file input. */
  imageAt(index: number): string {
    return this.columns.images.at(index) as string;
  }

  /** Whether its image ({@link imageAt}) is exactly `text` (compared in place). */
  hasImage(index: number, text: string): boolean {
    return this.columns.images.equals(index, text);
  }

  /** The URL a URL input posts without `allow_duplicate_url`, trimmed; else undefined. */
  claimedUrlAt(index: number): string | undefined {
    const flags = this.columns.flags.at(index);
    return (flags & (FILE | ALLOW_DUPLICATE_URL)) === 0
      ? (this.columns.images.at(index) as string).trim()
      : undefined;
  }

  /** The {@link inputKey} of its concepts and metadata (made from what the key store holds). */
  keyAt(index: number): string {
    const { concepts, metadata } = this.storedValues(index);
    return inputKey(concepts, metadata);
  }

  /** Its concepts and metadata as the key store holds them (see {@link KeyWriter}). */
  private storedValues(index: number): Pick<DesiredInput, "concepts" | "metadata"> {
    const stored = this.keys.get(this.columns.keyHandles.at(index));
    if (stored.startsWith("{")) {
      // The input as written: its concepts in any of the forms a manifest allows.
      const written = JSON.parse(stored) as RawInput;
      return {
        concepts: (written.concepts ?? []).map(normaliseConcept),
        metadata: written.metadata ?? {},
      };
    }
    const cut = stored.indexOf(PART_SEPARATOR);
    return {
      concepts: JSON.parse(stored.slice(0, cut)) as DesiredInput["concepts"],
      metadata: JSON.parse(stored.slice(cut + 1)) as DesiredInput["metadata"],
    };
  }

  /** Whether its key's fingerprint is `lo, hi` (see {@link KeyFingerprinter}). */
  hasKeyFingerprint(index: number, lo: number, hi: number): boolean {
    const c = this.columns;
    return c.fingerprintLo.at(index) === lo && c.fingerprintHi.at(index) === hi;
  }

  originAt(index: number): string | undefined {
    const c = this.columns;
    if ((c.flags.at(index) & ORIGIN_AT_SOURCE) === 0) return c.origins.textAt(index);
    return `${this.sourceFileAt(index)}:${c.lines.at(index)}`;
  }

  /** The file its problems point into. */
  private sourceFileAt(index: number): string {
    const c = this.columns;
    const name = c.sourceFiles.at(index);
    return (name === NO_SOURCE_NAME ? c.origins.textAt(index) : c.sourceNames[name]) ?? "";
  }

  /** The full input at `index`: concepts sorted by id, metadata keys sorted. */
  inputAt(index: number): DesiredInput {
    const c = this.columns;
    const flags = c.flags.at(index);
    const file = (flags & FILE) === 0 ? -1 : c.fileAbsPaths.rowOf(index);
    const image: DesiredImage =
      file !== -1
        ? {
            kind: "file",
            absPath: c.fileAbsPaths.texts.at(file) as string,
            path: c.filePaths.at(file) as string,
            sha256: this.imageAt(index),
            size: c.fileSizes.at(file),
          }
        : { kind: "url", url: this.imageAt(index) };
    const { concepts, metadata } = parseInputKey(this.keyAt(index));
    const source: SourceLocation = {
      file: this.sourceFileAt(index),
      line: c.lines.at(index),
      column: c.columns.at(index),
    };
    const origin = this.originAt(index);
    return {
      id: this.idAt(index),
      image,
      concepts: concepts as DesiredInput["concepts"],
      metadata,
      allowDuplicateUrl: (flags & ALLOW_DUPLICATE_URL) !== 0,
      source,
      ...(origin === undefined ? {} : { origin }),
    };
  }

  /** Every input, rebuilt (small manifests and tests; a large plan never asks for all). */
  toArray(): DesiredInput[] {
    const out: DesiredInput[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.inputAt(i));
    return out;
  }
}

function duplicateId(id: string): Error {
  return new Error(`duplicate desired input id ${JSON.stringify(id)}`);
}

/**
 * A sink that hands inputs on in chunks of `chunkSize` (and the rest on {@link flush}), keeping
 * none: a loader on a worker thread sends them to the planner as it goes.
 */
export class ChunkingSink implements DesiredSink {
  private readonly columns: Columns<StringList>;

  /** `keys`: where the keys go; the receiving index reads them from the same store. */
  constructor(
    private readonly chunkSize: number,
    private readonly send: (chunk: DesiredChunk) => void,
    private readonly keys: KeyWriter,
  ) {
    this.columns = new Columns(keys, () => new StringList());
  }

  add(input: DesiredInput): void {
    this.columns.push(input);
    if (this.columns.size >= this.chunkSize) this.flush();
  }

  flush(): void {
    if (this.columns.size === 0) return;
    this.keys.flush();
    this.send(this.columns.chunk(0, this.columns.size));
    this.columns.clear();
  }
}
