/**
 * Recognising image bytes (the formats the API accepts: JPEG, PNG, TIFF, BMP, WEBP, GIF; magic
 * numbers from src/util/image-format.ts) and reading their dimensions where the header makes that
 * cheap.
 */

import { type ImageFormat, imageFormatOf } from "../util/image-format.js";

/** What the bytes are; `null` from `sniffImage` means "not an image the API accepts". */
export interface ImageFacts {
  format: ImageFormat;
  width?: number;
  height?: number;
}

function withSize(facts: ImageFacts, width: number, height: number): ImageFacts {
  return width > 0 && height > 0 ? { ...facts, width, height } : facts;
}

function jpegSize(buf: Buffer): ImageFacts {
  const facts: ImageFacts = { format: "JPEG" };
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = buf[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    // Standalone markers carry no length.
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const length = buf.readUInt16BE(i + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) return withSize(facts, buf.readUInt16BE(i + 7), buf.readUInt16BE(i + 5));
    i += 2 + length;
  }
  return facts;
}

function webpSize(buf: Buffer): ImageFacts {
  const facts: ImageFacts = { format: "WEBP" };
  const chunk = buf.toString("latin1", 12, 16);
  if (chunk === "VP8 " && buf.length >= 30) {
    return withSize(facts, buf.readUInt16LE(26) & 0x3fff, buf.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === "VP8L" && buf.length >= 25) {
    const bits = buf.readUInt32LE(21);
    return withSize(facts, (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8X" && buf.length >= 30) {
    return withSize(facts, buf.readUIntLE(24, 3) + 1, buf.readUIntLE(27, 3) + 1);
  }
  return facts;
}

/** The image format and size of `buf`, or `null` when it is not an accepted image. */
export function sniffImage(buf: Buffer): ImageFacts | null {
  const format = imageFormatOf(buf);
  switch (format) {
    case undefined:
      return null;
    case "JPEG":
      return jpegSize(buf);
    case "PNG":
      return buf.length >= 24
        ? withSize({ format }, buf.readUInt32BE(16), buf.readUInt32BE(20))
        : { format };
    case "GIF": {
      // Only the two GIF versions there are: GIF87a and GIF89a.
      if (!((buf[4] === 0x37 || buf[4] === 0x39) && buf[5] === 0x61)) return null;
      return buf.length >= 10
        ? withSize({ format }, buf.readUInt16LE(6), buf.readUInt16LE(8))
        : { format };
    }
    case "BMP":
      // Shorter than its header: not a bitmap.
      if (buf.length < 26) return null;
      return withSize({ format }, buf.readInt32LE(18), Math.abs(buf.readInt32LE(22)));
    case "WEBP":
      return webpSize(buf);
    case "TIFF":
      return { format };
  }
}
