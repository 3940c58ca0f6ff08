/**
 * What a file's first bytes say it is: one of the image formats the API accepts, a Git LFS
 * pointer (a checkout without `git lfs pull`), or something else.
 */

export type ImageFormat = "PNG" | "JPEG" | "GIF" | "WEBP" | "TIFF" | "BMP";

export type FileKind =
  | { kind: "image"; format: ImageFormat }
  | { kind: "lfs-pointer" }
  | { kind: "other" };

/** How many leading bytes {@link fileKindOf} needs. */
export const FILE_KIND_HEAD_BYTES = 48;

const LFS_POINTER = "version https://git-lfs.github.com/spec/v1";

const MAGIC: readonly { format: ImageFormat; bytes: readonly number[]; offset?: number }[] = [
  { format: "PNG", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { format: "JPEG", bytes: [0xff, 0xd8, 0xff] },
  { format: "GIF", bytes: [0x47, 0x49, 0x46, 0x38] },
  { format: "TIFF", bytes: [0x49, 0x49, 0x2a, 0x00] },
  { format: "TIFF", bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { format: "BMP", bytes: [0x42, 0x4d] },
];

/**
 * The image format its magic number says `head` starts with, or undefined. The one table of magic
 * numbers: the manifest's file check, the emulator's sniffing and export's file names all read it.
 */
export function imageFormatOf(head: Uint8Array): ImageFormat | undefined {
  const at = (bytes: readonly number[], offset = 0) =>
    head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);
  for (const { format, bytes, offset } of MAGIC) {
    if (at(bytes, offset)) return format;
  }
  // RIFF....WEBP
  if (at([0x52, 0x49, 0x46, 0x46]) && at([0x57, 0x45, 0x42, 0x50], 8)) return "WEBP";
  return undefined;
}

/** The kind of a file from its first {@link FILE_KIND_HEAD_BYTES} bytes (fewer if it is shorter). */
export function fileKindOf(head: Uint8Array): FileKind {
  const format = imageFormatOf(head);
  if (format !== undefined) return { kind: "image", format };
  if (Buffer.from(head.subarray(0, LFS_POINTER.length)).toString("latin1") === LFS_POINTER) {
    return { kind: "lfs-pointer" };
  }
  return { kind: "other" };
}
