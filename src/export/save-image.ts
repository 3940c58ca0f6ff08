/** Saving a downloaded byte upload: named by its sha256, so equal images are stored once. */
import { createHash } from "node:crypto";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The file extension for an image's magic bytes; `bin` when unknown. Pure. */
function imageExtension(bytes: Uint8Array): string {
  const at = (i: number) => bytes[i] ?? -1;
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "jpg";
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return "png";
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46) return "gif";
  if (at(0) === 0x42 && at(1) === 0x4d) return "bmp";
  if (at(0) === 0x52 && at(1) === 0x49 && at(8) === 0x57 && at(9) === 0x45) return "webp";
  if ((at(0) === 0x49 && at(1) === 0x49) || (at(0) === 0x4d && at(1) === 0x4d)) return "tiff";
  return "bin";
}

/** Writes `bytes` to `dir/<sha256>.<ext>` unless a file of that name and size is there; returns the path. */
export async function saveImage(dir: string, bytes: Uint8Array): Promise<string> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const path = join(dir, `${sha256}.${imageExtension(bytes)}`);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isFile() && existing.size === bytes.length) return path;
  await mkdir(dir, { recursive: true });
  await writeFile(path, bytes);
  return path;
}
