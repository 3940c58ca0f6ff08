/** Reads one manifest or included file: size-capped, UTF-8, hashed. */
import { readFileSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { errorCode } from "../util/error-code.js";
import { formatBytes } from "../util/format-bytes.js";
import { sha256Hex } from "../util/sha256.js";

export type ReadSourceResult =
  | { ok: true; text: string; sha256: string }
  | { ok: false; notFound: boolean; message: string };

export async function readSourceFile(
  absPath: string,
  options: { maxBytes: number },
): Promise<ReadSourceResult> {
  const tooLarge = (size: number): ReadSourceResult => ({
    ok: false,
    notFound: false,
    message: `file is ${formatBytes(size)}; manifest files are limited to ${formatBytes(options.maxBytes)}`,
  });
  let bytes: Buffer;
  try {
    const info = await stat(absPath);
    if (!info.isFile()) return { ok: false, notFound: false, message: "not a regular file" };
    // Checked before reading so that a huge file is never loaded into memory.
    if (info.size > options.maxBytes) return tooLarge(info.size);
    bytes = await readFile(absPath);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR")
      return { ok: false, notFound: true, message: "file not found" };
    return { ok: false, notFound: false, message: `cannot read file (${code ?? String(error)})` };
  }
  if (bytes.length > options.maxBytes) return tooLarge(bytes.length);
  const text = decodeUtf8(bytes);
  if (text === undefined) return { ok: false, notFound: false, message: "not valid UTF-8 text" };
  return { ok: true, text, sha256: sha256Hex(bytes) };
}

/**
 * The text of a file read before, read again at once (to locate a late problem in it);
 * undefined when it can no longer be read as UTF-8 within `maxBytes`.
 */
export function rereadSourceText(
  absPath: string,
  options: { maxBytes: number },
): string | undefined {
  try {
    if (statSync(absPath).size > options.maxBytes) return undefined;
    return decodeUtf8(readFileSync(absPath));
  } catch {
    return undefined;
  }
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
