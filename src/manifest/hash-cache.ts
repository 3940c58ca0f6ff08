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
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { ImageFormat } from "../util/image-format.js";
import { isRecord } from "../util/is-record.js";

const HASH_CACHE_FILE = "file-hashes.json";
const CACHE_VERSION = 1;
const RACY_WINDOW_MS = 2_000;
/** A `.` or `..` segment, or an empty one: such a path is not normalised. */
const DOT_SEGMENT = /[\\/]\.{0,2}(?:[\\/]|$)/;
const FORMATS: readonly string[] = ["PNG", "JPEG", "GIF", "WEBP", "TIFF", "BMP"];

export interface CachedHash {
  size: number;
  mtimeMs: number;
  sha256: string;
  format: ImageFormat;
}

/** `[size, mtimeMs, sha256, format]`, keyed by the path relative to the manifest's directory. */
type Row = [number, number, string, ImageFormat];

export class HashCache {
  private readonly rows = new Map<string, Row>();
  /** Rows of this run only: files no longer referenced drop out when it is written. */
  private readonly used = new Map<string, Row>();
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
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, "utf8"));
    } catch {
      return cache;
    }
    if (!isRecord(parsed) || parsed.version !== CACHE_VERSION || !isRecord(parsed.files)) {
      cache.changed = true;
      return cache;
    }
    const files = parsed.files;
    // for…in, not Object.entries: no pair per file (a cache can hold hundreds of thousands).
    for (const key in files) {
      if (!Object.hasOwn(files, key)) continue;
      const row = files[key];
      if (isRow(row)) cache.rows.set(key, row);
      else cache.changed = true;
    }
    return cache;
  }

  /** The recorded hash of `absPath` if its size and mtime are exactly the recorded ones. */
  get(absPath: string, size: number, mtimeMs: number): CachedHash | undefined {
    const key = this.keyOf(absPath);
    const row = this.rows.get(key);
    if (row === undefined || row[0] !== size || row[1] !== mtimeMs) return undefined;
    this.used.set(key, row);
    return { size, mtimeMs, sha256: row[2], format: row[3] };
  }

  set(absPath: string, entry: CachedHash): void {
    if (this.now() - entry.mtimeMs < RACY_WINDOW_MS) return;
    const row: Row = [entry.size, entry.mtimeMs, entry.sha256, entry.format];
    const key = this.keyOf(absPath);
    this.rows.set(key, row);
    this.used.set(key, row);
    this.changed = true;
  }

  /** Writes this run's entries if anything changed; failures are ignored (it is a cache). */
  async save(): Promise<void> {
    if (!this.changed && this.used.size === this.rows.size) return;
    // Written row by row in key order, without building the object (whose integer-like keys
    // JSON.stringify would put first, and where a key such as "__proto__" needs care).
    const keys = [...this.used.keys()].sort((a, b) => (a < b ? -1 : 1));
    const parts = keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(this.used.get(key))}`);
    const text = `{"version":${CACHE_VERSION},"files":{${parts.join(",")}}}\n`;
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(temp, text);
      await rename(temp, this.file);
    } catch {
      // A read-only checkout still validates and plans; the next run hashes again.
    }
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

function isRow(value: unknown): value is Row {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    Number.isSafeInteger(value[0]) &&
    typeof value[1] === "number" &&
    Number.isFinite(value[1]) &&
    typeof value[2] === "string" &&
    /^[0-9a-f]{64}$/.test(value[2]) &&
    FORMATS.includes(value[3])
  );
}
