/** A text file written piece by piece with back-pressure, renamed into place only when complete. */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export class LineFile {
  private readonly stream: WriteStream;
  private readonly tmp: string;

  private constructor(readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
    this.stream = createWriteStream(this.tmp, { flags: "wx" });
  }

  static async create(path: string): Promise<LineFile> {
    await mkdir(dirname(path), { recursive: true });
    return new LineFile(path);
  }

  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await once(this.stream, "drain");
  }

  /** Flushes and renames the file into place. */
  async commit(): Promise<void> {
    this.stream.end();
    await once(this.stream, "finish");
    await rename(this.tmp, this.path);
  }

  /** Drops the partial file. */
  async discard(): Promise<void> {
    this.stream.destroy();
    await rm(this.tmp, { force: true });
  }
}
