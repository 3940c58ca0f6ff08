import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Writes a file so that readers see the old content or the new, never half of it: the pieces go
 * to a temporary file beside it, which is then renamed over it. Pieces are streamed, so a plan
 * far larger than one JavaScript string can hold is still written.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Iterable<string>,
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const pieces = typeof content === "string" ? [content] : content;
    await pipeline(Readable.from(pieces), createWriteStream(tmp, { flags: "wx" }));
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
