/**
 * `file:` images, whoever declares them (an input, a folder, a CSV or a JSONL source): checked
 * against the API's limits and by their first bytes, then hashed. With a {@link HashCache}, an
 * unchanged file (same path, size and mtime) is neither read nor hashed again.
 *
 * A file up to {@link WHOLE_READ_MAX_BYTES} is opened once: read whole, its format sniffed and its
 * sha256 taken from the same bytes. A larger one is sniffed by its first bytes and streamed when
 * it is hashed.
 */
import { closeSync, openSync, readSync, type Stats, statSync } from "node:fs";
import { ApiLimits } from "../api/types.js";
import { errorCode } from "../util/error-code.js";
import { formatBytes } from "../util/format-bytes.js";
import type { ImageFormat } from "../util/image-format.js";
import { FILE_KIND_HEAD_BYTES, fileKindOf } from "../util/image-format.js";
import { hashFile, sha256Hex } from "../util/sha256.js";
import type { HashCache } from "./hash-cache.js";

/** The API accepts images under this many bytes (exclusive; see the API reference, "Limits"). */
export const API_IMAGE_SIZE_LIMIT = ApiLimits.maxImageBytes;

/** Files of at most this many bytes are read whole (in one read); larger ones are streamed. */
const WHOLE_READ_MAX_BYTES = 4 * 1024 * 1024;

/** Files checked between two turns of the event loop. */
const CALLS_PER_TURN = 64;

/** How a file's sha256 and size are computed; injected so tests can make a file vanish. */
export type FileHasher = (absPath: string) => Promise<{ sha256: string; size: number }>;

export const streamingHasher: FileHasher = hashFile;

export type ImageFileCheck =
  | {
      ok: true;
      size: number;
      mtimeMs: number;
      format: ImageFormat;
      /** Known already: from the cache, or from the bytes the check read. */
      sha256?: string;
    }
  | { ok: false; message: string };

/**
 * Reads the image files of one load. The calls are synchronous: on a folder of small files an
 * asynchronous stat, open, read and close each cost a thread-pool round trip several times the
 * call itself (bench/hash-read-modes.ts, bench/hash-folder.ts), and every file is read once. The event loop still turns
 * every {@link CALLS_PER_TURN} files. One buffer, grown to the largest file read whole, is reused.
 */
export class ImageFileReader {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private calls = 0;

  /**
   * @param digest Whether a file read whole is hashed at once; `false` when the hash comes from
   * an injected {@link FileHasher}.
   */
  constructor(readonly digest: boolean) {}

  /** Counts a file; true every {@link CALLS_PER_TURN}: then the caller lets the event loop turn. */
  due(): boolean {
    if (++this.calls < CALLS_PER_TURN) return false;
    this.calls = 0;
    return true;
  }

  stat(absPath: string): Stats {
    return statSync(absPath);
  }

  /**
   * The first `length` bytes of a file (fewer if it is shorter), in the shared buffer: valid
   * until the next read, so used before any `await`. A short read once `enough` bytes are in ends
   * it without another call (a short read of a regular file is its end).
   */
  read(absPath: string, length: number, enough = length): Buffer {
    if (this.buffer.length < length) {
      this.buffer = Buffer.allocUnsafe(Math.max(length, this.buffer.length * 2));
    }
    const fd = openSync(absPath, "r");
    try {
      let filled = 0;
      while (filled < length) {
        const read = readSync(fd, this.buffer, filled, length - filled, filled);
        if (read === 0) break;
        filled += read;
        if (filled >= enough) break;
      }
      return this.buffer.subarray(0, filled);
    } finally {
      closeSync(fd);
    }
  }
}

interface CheckOptions {
  sizeLimit: number;
  /** How messages name the file; a function is called only for a message. */
  shownPath: string | (() => string);
  cache?: HashCache | undefined;
  reader?: ImageFileReader | undefined;
}

/**
 * Whether `absPath` is a readable regular file, not empty, under `sizeLimit` bytes, and an image
 * the API accepts (by its first bytes; a cached file's are not read again). `shownPath` is how
 * messages name the file. A file read whole is hashed too (and cached) when `reader.digest`.
 * Synchronous: a caller that checks many files in a row lets the event loop turn now and then
 * ({@link ImageFileReader.due}), without a promise per file.
 */
export function checkImageFile(absPath: string, options: CheckOptions): ImageFileCheck {
  const { sizeLimit, cache } = options;
  const named = options.shownPath;
  const name = typeof named === "string" ? () => named : named;
  const reader = options.reader ?? new ImageFileReader(false);
  try {
    // The bytes read live in the reader's shared buffer: used before this returns.
    const info = reader.stat(absPath);
    if (!info.isFile()) return { ok: false, message: `not a regular file: ${name()}` };
    const { size, mtimeMs } = info;
    if (size === 0) return { ok: false, message: `file is empty: ${name()}` };
    if (size >= sizeLimit) {
      return {
        ok: false,
        message: `file is ${formatBytes(size)} (${size} bytes); the API accepts images under ${sizeLimit} bytes: ${name()}`,
      };
    }
    const known = cache?.get(absPath, size, mtimeMs);
    if (known !== undefined)
      return { ok: true, size, mtimeMs, format: known.format, sha256: known.sha256 };
    const whole = size <= WHOLE_READ_MAX_BYTES;
    // One byte more than its size: a file that grew since the stat is streamed when hashed.
    const bytes = whole
      ? reader.read(absPath, size + 1, size)
      : reader.read(absPath, FILE_KIND_HEAD_BYTES);
    const format = formatOf(bytes.subarray(0, FILE_KIND_HEAD_BYTES), name);
    if (typeof format === "object") return format;
    if (!whole || !reader.digest || bytes.length !== size) {
      return { ok: true, size, mtimeMs, format };
    }
    const sha256 = sha256Hex(bytes);
    cache?.set(absPath, { size, mtimeMs, sha256, format });
    return { ok: true, size, mtimeMs, format, sha256 };
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR")
      return { ok: false, message: `file not found: ${name()}` };
    return { ok: false, message: `cannot read ${name()} (${code ?? String(error)})` };
  }
}

function formatOf(
  head: Uint8Array,
  name: () => string,
): ImageFormat | { ok: false; message: string } {
  const kind = fileKindOf(head);
  if (kind.kind === "image") return kind.format;
  const shownPath = name();
  if (kind.kind === "lfs-pointer") {
    return {
      ok: false,
      message: `${shownPath} is a Git LFS pointer, not the image: run \`git lfs pull\` (in CI, check out with \`lfs: true\`)`,
    };
  }
  return {
    ok: false,
    message: `not a PNG, JPEG, GIF, WebP, TIFF or BMP image: ${shownPath}`,
  };
}

/**
 * sha256 and size of a checked file: as the check found it (from the cache, or from the bytes it
 * read), else hashed. Undefined: the file could not be read (it vanished since the check).
 */
export async function hashImageFile(
  absPath: string,
  checked: { size: number; mtimeMs: number; format: ImageFormat; sha256?: string | undefined },
  options: { hasher: FileHasher; cache?: HashCache | undefined },
): Promise<{ sha256: string; size: number } | undefined> {
  if (checked.sha256 !== undefined) return { sha256: checked.sha256, size: checked.size };
  try {
    const hash = await options.hasher(absPath);
    options.cache?.set(absPath, {
      size: hash.size,
      mtimeMs: checked.mtimeMs,
      format: checked.format,
      sha256: hash.sha256,
    });
    return hash;
  } catch {
    return undefined;
  }
}
