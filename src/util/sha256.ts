/** sha256, the one way the project hashes bytes and files (hex digests). */
import { createHash, hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";

/** sha256 of bytes, hex: how the manifest records a file and how apply checks it again. */
export function sha256Hex(bytes: Uint8Array | string): string {
  // The one-shot `hash` skips a Hash object per call: it matters for many small images.
  return hash("sha256", bytes, "hex");
}

/** sha256 (hex) and size of a file, read as a stream so that large files never sit in memory. */
export async function hashFile(absPath: string): Promise<{ sha256: string; size: number }> {
  const digest = createHash("sha256");
  let size = 0;
  await pipeline(createReadStream(absPath), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      size += chunk.length;
      digest.update(chunk);
    }
  });
  return { sha256: digest.digest("hex"), size };
}
