/** Saving a downloaded byte upload: named by its sha256, so equal images are stored once. */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ImageFormat, imageFormatOf } from "../util/image-format.js";
import { sha256Hex } from "../util/sha256.js";

const EXTENSION: Record<ImageFormat, string> = {
  JPEG: "jpg",
  PNG: "png",
  GIF: "gif",
  BMP: "bmp",
  WEBP: "webp",
  TIFF: "tiff",
};

/** The file extension for an image's magic bytes; `bin` when unknown. Pure. */
function imageExtension(bytes: Uint8Array): string {
  const format = imageFormatOf(bytes);
  return format === undefined ? "bin" : EXTENSION[format];
}

/** Writes `bytes` to `dir/<sha256>.<ext>` unless a file of that name and size is there; returns the path. */
export async function saveImage(dir: string, bytes: Uint8Array): Promise<string> {
  const sha256 = sha256Hex(bytes);
  const path = join(dir, `${sha256}.${imageExtension(bytes)}`);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isFile() && existing.size === bytes.length) return path;
  await mkdir(dir, { recursive: true });
  await writeFile(path, bytes);
  return path;
}
