/**
 * The sha256 of every image file, cached by (path, size, mtime) in `.dataset/cache/` beside the
 * root manifest, so that a second plan of an unchanged folder reads no image bytes.
 *
 * The cache is never trusted beyond what it can prove: a missing, unreadable, corrupt or
 * foreign-version file is ignored (and rebuilt); an entry is used only when the file's size and
 * mtime are exactly the recorded ones; a file modified within {@link RACY_WINDOW_MS} of being
 * hashed is not recorded (it could change again within the same mtime tick, as Git's "racy"
 * index entries can). It is written atomically (a temp file renamed over it), and a cache that
 * cannot be written is only a slower next run.
 *
 * The file is a header line and then a row a line, sorted by path:
 * `"<path>"\t<size>\t<mtimeMs>\t<sha256>\t<format>`, the path (relative to the manifest's
 * directory, `/`-separated) as a JSON string. It stays as read, in one buffer: a lookup is a
 * comparison of bytes with the row after the last one found (a folder is walked in path order)
 * or else a binary search, and only a row that is used is made into strings. 100,000 rows took
 * 0.13 s to parse as JSON into a Map (version 2); this takes a scan of the lines.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { ImageFormat } from "../util/image-format.js";
import { IntColumn } from "../util/int-column.js";

const HASH_CACHE_FILE = "file-hashes";
/** What version 2 was written to: removed when this version is written. */
const FORMER_FILE = "file-hashes.json";
/** Other headers (other versions) are rebuilt. */
const HEADER = "dataset file hashes 3\n";
const RACY_WINDOW_MS = 2_000;
/** A `.` or `..` segment, or an empty one: such a path is not normalised. */
const DOT_SEGMENT = /[\\/]\.{0,2}(?:[\\/]|$)/;
const FORMATS: ReadonlySet<string> = new Set(["PNG", "JPEG", "GIF", "WEBP", "TIFF", "BMP"]);
const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHA256_CHARS = 64;
const TAB = 0x09;
const NEWLINE = 0x0a;

export interface CachedHash {
  size: number;
  mtimeMs: number;
  sha256: string;
  format: ImageFormat;
}

export class HashCache {
  /** The file as read (rows from {@link HEADER}'s end). */
  private text: Buffer = Buffer.alloc(0);
  /** By row: where it starts in {@link text}, and where its path ends (at a tab). */
  private readonly starts = new IntColumn();
  private readonly pathEnds = new IntColumn();
  /** By row: whether this run used it; the rows of files no longer referenced drop out. */
  private used = new Uint8Array(0);
  private usedCount = 0;
  /** Rows hashed this run, by path. */
  private readonly added = new Map<string, string>();
  /** The row a lookup tries first: the one after the last found. */
  private cursor = 0;
  /** A path, encoded as the rows hold it, for comparisons. */
  private scratch = Buffer.allocUnsafe(1024);
  private changed = false;

  /** `baseDir` and a separator: what every path under it starts with. */
  private readonly prefix: string;

  private constructor(
    private readonly baseDir: string,
    private readonly file: string,
    private readonly now: () => number,
  ) {
    const base = resolve(baseDir);
    this.prefix = base.endsWith(sep) ? base : base + sep;
  }

  /** The cache of the manifest in `baseDir`, read from `cacheDir` (empty if unusable). */
  static async open(options: {
    baseDir: string;
    cacheDir: string;
    now?: () => number;
  }): Promise<HashCache> {
    const file = join(options.cacheDir, HASH_CACHE_FILE);
    const cache = new HashCache(options.baseDir, file, options.now ?? Date.now);
    let text: Buffer;
    try {
      text = await readFile(file);
    } catch {
      return cache;
    }
    if (!cache.index(text)) {
      cache.starts.clear();
      cache.pathEnds.clear();
      cache.changed = true;
      return cache;
    }
    cache.text = text;
    cache.used = new Uint8Array(cache.starts.length);
    return cache;
  }

  /** Finds the rows of `text`; false when it is not a cache of this version, well formed. */
  private index(text: Buffer): boolean {
    if (text.toString("latin1", 0, HEADER.length) !== HEADER) return false;
    let at = HEADER.length;
    let previous = -1;
    while (at < text.length) {
      const tab = text.indexOf(TAB, at);
      const end = text.indexOf(NEWLINE, at);
      if (tab === -1 || end === -1 || tab > end) return false;
      // Strictly increasing paths: sorted, no path twice (a binary search relies on it).
      if (previous !== -1) {
        const start = this.starts.at(previous);
        if (text.compare(text, start, this.pathEnds.at(previous), at, tab) <= 0) return false;
      }
      previous = this.starts.length;
      this.starts.push(at);
      this.pathEnds.push(tab);
      at = end + 1;
    }
    return true;
  }

  /** The recorded hash of `absPath` if its size and mtime are exactly the recorded ones. */
  get(absPath: string, size: number, mtimeMs: number): CachedHash | undefined {
    const row = this.find(this.keyOf(absPath));
    if (row === -1) return undefined;
    const { text } = this;
    const fields = this.pathEnds.at(row) + 1;
    const end = (row + 1 < this.starts.length ? this.starts.at(row + 1) : text.length) - 1;
    // Size and mtime compared as written: a number written by String() reads back the same.
    const stamp = `${size}\t${mtimeMs}\t`;
    const sha = fields + stamp.length;
    if (
      sha + SHA256_CHARS >= end ||
      text.toString("latin1", fields, sha) !== stamp ||
      text[sha + SHA256_CHARS] !== TAB
    ) {
      return undefined;
    }
    const sha256 = text.toString("latin1", sha, sha + SHA256_CHARS);
    const format = text.toString("latin1", sha + SHA256_CHARS + 1, end);
    if (!SHA256_HEX.test(sha256) || !FORMATS.has(format)) {
      // A damaged row: not used, so it is not written again.
      this.changed = true;
      return undefined;
    }
    if (this.used[row] === 0) {
      this.used[row] = 1;
      this.usedCount++;
    }
    return { size, mtimeMs, sha256, format: format as ImageFormat };
  }

  set(absPath: string, entry: CachedHash): void {
    if (this.now() - entry.mtimeMs < RACY_WINDOW_MS) return;
    const key = this.keyOf(absPath);
    const row = this.find(key);
    if (row !== -1 && this.used[row] === 1) {
      this.used[row] = 0;
      this.usedCount--;
    }
    const { size, mtimeMs, sha256, format } = entry;
    this.added.set(key, `${JSON.stringify(key)}\t${size}\t${mtimeMs}\t${sha256}\t${format}\n`);
    this.changed = true;
  }

  /** Writes this run's rows if anything changed; failures are ignored (it is a cache). */
  async save(): Promise<void> {
    if (!this.changed && this.usedCount === this.starts.length) return;
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(temp, this.rows());
      await rename(temp, this.file);
      await rm(join(dirname(this.file), FORMER_FILE), { force: true });
    } catch {
      // A read-only checkout still validates and plans; the next run hashes again.
    }
  }

  /** The file to write: the rows used (as read) and the rows added, merged in path order. */
  private rows(): Buffer {
    const added = [...this.added.values()]
      .map((line) => Buffer.from(line))
      .sort((a, b) => Buffer.compare(pathOf(a), pathOf(b)));
    const parts: Buffer[] = [Buffer.from(HEADER)];
    const { text } = this;
    let next = 0;
    for (let row = 0; row < this.starts.length; row++) {
      if (this.used[row] === 0) continue;
      const start = this.starts.at(row);
      const pathEnd = this.pathEnds.at(row);
      // Added rows of earlier paths first; an added row replaces a row of its path.
      let order = 1;
      for (; next < added.length; next++) {
        const path = pathOf(added[next] as Buffer);
        order = text.compare(path, 0, path.length, start, pathEnd);
        if (order <= 0) break;
        parts.push(added[next] as Buffer);
      }
      if (order === 0) continue;
      const end = row + 1 < this.starts.length ? this.starts.at(row + 1) : text.length;
      parts.push(text.subarray(start, end));
    }
    parts.push(...added.slice(next));
    return Buffer.concat(parts);
  }

  /** The row of `key`, or -1. */
  private find(key: string): number {
    const count = this.starts.length;
    if (count === 0) return -1;
    const encoded = JSON.stringify(key);
    const length = Buffer.byteLength(encoded);
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(length * 2);
    this.scratch.write(encoded, 0);
    if (this.cursor < count && this.compareRow(this.cursor, length) === 0) return this.cursor++;
    let low = 0;
    let high = count - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = this.compareRow(middle, length);
      if (order === 0) {
        this.cursor = middle + 1;
        return middle;
      }
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** The order of row `row`'s path against the scratch's first `length` bytes. */
  private compareRow(row: number, length: number): number {
    return this.text.compare(this.scratch, 0, length, this.starts.at(row), this.pathEnds.at(row));
  }

  private keyOf(absPath: string): string {
    // The common case, a normalised path under the manifest's directory, without path.relative.
    if (absPath.startsWith(this.prefix) && !DOT_SEGMENT.test(absPath)) {
      const key = absPath.slice(this.prefix.length);
      return sep === "/" ? key : key.replaceAll("\\", "/");
    }
    return relative(this.baseDir, resolve(absPath)).replaceAll("\\", "/");
  }
}

/** The path of a row (as written, quoted). */
function pathOf(line: Buffer): Buffer {
  return line.subarray(0, line.indexOf(TAB));
}
