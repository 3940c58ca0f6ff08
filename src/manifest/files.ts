/** `file:` inputs: checked against the API's limits, hashed by streaming. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { errorCode } from "./source-file.js";

/** The API accepts images under 20 MB (see the API reference, "Limits"). */
export const API_IMAGE_SIZE_LIMIT = 20_000_000;

export type ImageFileCheck = { ok: true; size: number } | { ok: false; message: string };

/**
 * Whether `absPath` is a readable regular file, not empty and under `sizeLimit` bytes.
 * `shownPath` is how messages name the file.
 */
export async function checkImageFile(
  absPath: string,
  options: { sizeLimit: number; shownPath: string },
): Promise<ImageFileCheck> {
  const { shownPath, sizeLimit } = options;
  try {
    const info = await stat(absPath);
    if (!info.isFile()) return { ok: false, message: `not a regular file: ${shownPath}` };
    if (info.size === 0) return { ok: false, message: `file is empty: ${shownPath}` };
    if (info.size >= sizeLimit) {
      return {
        ok: false,
        message: `file is ${formatBytes(info.size)}; the API accepts images under ${formatBytes(sizeLimit)}: ${shownPath}`,
      };
    }
    return { ok: true, size: info.size };
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR")
      return { ok: false, message: `file not found: ${shownPath}` };
    return { ok: false, message: `cannot read ${shownPath} (${code ?? String(error)})` };
  }
}

/** sha256 (hex) and size of a file, read as a stream so that large files never sit in memory. */
export async function hashFile(absPath: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(createReadStream(absPath), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      size += chunk.length;
      hash.update(chunk);
    }
  });
  return { sha256: hash.digest("hex"), size };
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** 20000000 → "20 MB"; 1536 → "1.5 kB" (decimal units, as the API documents its limits). */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "kB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const shown = unit === 0 ? String(value) : String(Number(value.toFixed(1)));
  return `${shown} ${units[unit]}`;
}
