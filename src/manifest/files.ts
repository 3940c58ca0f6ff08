/**
 * `file:` images, whoever declares them (an input, a folder, a CSV or a JSONL source): checked
 * against the API's limits and by their first bytes, then hashed. With a {@link HashCache}, an
 * unchanged file (same path, size and mtime) is neither read nor hashed again.
 */
import { open, stat } from "node:fs/promises";
import { ApiLimits } from "../api/types.js";
import { errorCode } from "../util/error-code.js";
import { formatBytes } from "../util/format-bytes.js";
import type { ImageFormat } from "../util/image-format.js";
import { FILE_KIND_HEAD_BYTES, fileKindOf } from "../util/image-format.js";
import { hashFile } from "../util/sha256.js";
import type { HashCache } from "./hash-cache.js";

/** The API accepts images under this many bytes (exclusive; see the API reference, "Limits"). */
export const API_IMAGE_SIZE_LIMIT = ApiLimits.maxImageBytes;

/** How a file's sha256 and size are computed; injected so tests can make a file vanish. */
export type FileHasher = (absPath: string) => Promise<{ sha256: string; size: number }>;

export const streamingHasher: FileHasher = hashFile;

export type ImageFileCheck =
  | { ok: true; size: number; mtimeMs: number; format: ImageFormat }
  | { ok: false; message: string };

/**
 * Whether `absPath` is a readable regular file, not empty, under `sizeLimit` bytes, and an image
 * the API accepts (by its first bytes; a cached file's are not read again). `shownPath` is how
 * messages name the file.
 */
export async function checkImageFile(
  absPath: string,
  options: { sizeLimit: number; shownPath: string; cache?: HashCache | undefined },
): Promise<ImageFileCheck> {
  const { shownPath, sizeLimit } = options;
  try {
    const info = await stat(absPath);
    if (!info.isFile()) return { ok: false, message: `not a regular file: ${shownPath}` };
    if (info.size === 0) return { ok: false, message: `file is empty: ${shownPath}` };
    if (info.size >= sizeLimit) {
      return {
        ok: false,
        message: `file is ${formatBytes(info.size)} (${info.size} bytes); the API accepts images under ${sizeLimit} bytes: ${shownPath}`,
      };
    }
    const known = options.cache?.get(absPath, info.size, info.mtimeMs);
    const format = known?.format ?? (await sniff(absPath, shownPath));
    if (typeof format === "object") return format;
    return { ok: true, size: info.size, mtimeMs: info.mtimeMs, format };
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR")
      return { ok: false, message: `file not found: ${shownPath}` };
    return { ok: false, message: `cannot read ${shownPath} (${code ?? String(error)})` };
  }
}

async function sniff(
  absPath: string,
  shownPath: string,
): Promise<ImageFormat | { ok: false; message: string }> {
  const handle = await open(absPath, "r");
  let head: Uint8Array;
  try {
    const buffer = Buffer.alloc(FILE_KIND_HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const kind = fileKindOf(head);
  if (kind.kind === "image") return kind.format;
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

/** sha256 and size of a checked file: from the cache when it is unchanged, else hashed. */
export async function hashImageFile(
  absPath: string,
  checked: { size: number; mtimeMs: number; format: ImageFormat },
  options: { hasher: FileHasher; cache?: HashCache | undefined },
): Promise<{ sha256: string; size: number } | undefined> {
  const known = options.cache?.get(absPath, checked.size, checked.mtimeMs);
  if (known !== undefined) return { sha256: known.sha256, size: checked.size };
  try {
    const hash = await options.hasher(absPath);
    options.cache?.set(absPath, { ...checked, size: hash.size, sha256: hash.sha256 });
    return hash;
  } catch {
    return undefined;
  }
}
