/**
 * The declared inputs' keys in a file, while a plan runs (see src/manifest/key-store.ts): the
 * loader on a worker thread writes them, the planner on the main thread reads the few it needs.
 * A million inputs' keys (~120 MB of text) stay out of both heaps. The file has no name: it is
 * created in a private directory and unlinked at once, so it is gone when the process ends,
 * however it ends; both threads use the one descriptor (descriptors belong to the process).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PART_SEPARATOR } from "../manifest/input-key.js";
import type { KeyStore } from "../manifest/key-store.js";

/** Bytes buffered before a write; also the size of the read window. */
const BLOCK = 1 << 16;
/** A record: the key's UTF-8 length (4 bytes, little-endian), then the bytes. */
const LENGTH_BYTES = 4;
/** Between a key's two parts: {@link PART_SEPARATOR}, one byte in UTF-8. */
const SEPARATOR_BYTE = PART_SEPARATOR.charCodeAt(0);

/** An open key file: its descriptor (to hand to a worker) and how to remove it. */
export interface KeyFileHandle {
  fd: number;
  close(): void;
}

/** Creates an unnamed key file (readable and writable by this user only). */
export function createKeyFile(): KeyFileHandle {
  const dir = mkdtempSync(join(tmpdir(), "dataset-keys-"));
  const path = join(dir, "keys");
  const fd = openSync(path, "w+", 0o600);
  let named = true;
  try {
    unlinkSync(path);
    rmSync(dir, { recursive: true, force: true });
    named = false;
  } catch {
    // A system that cannot unlink an open file (Windows): removed on close instead.
  }
  let open = true;
  return {
    fd,
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
      if (named) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Keys in the file at `fd`: one writer appends (buffered; {@link flush} before handing out the
 * handles), readers read back by handle (the record's offset) through a window, so that reading
 * in order costs one read per window.
 */
export class KeyFile implements KeyStore {
  private pending = Buffer.allocUnsafe(BLOCK);
  private used = 0;
  /** Where the buffered bytes go in the file. */
  private written = 0;
  private window = Buffer.allocUnsafe(BLOCK);
  private windowStart = 0;
  private windowLength = 0;

  constructor(private readonly fd: number) {}

  put(concepts: string, metadata: string): number {
    return this.record(concepts, metadata);
  }

  putInput(json: string): number {
    return this.record(json, undefined);
  }

  /** Appends a record of `first` (and `second` after the separator); returns its offset. */
  private record(first: string, second: string | undefined): number {
    const chars = first.length + (second === undefined ? 0 : 1 + second.length);
    const most = LENGTH_BYTES + chars * 3;
    if (this.used + most > this.pending.length) {
      this.flush();
      if (most > this.pending.length) this.pending = Buffer.allocUnsafe(most);
    }
    const handle = this.written + this.used;
    const { pending } = this;
    let at = this.used + LENGTH_BYTES;
    at += pending.write(first, at, "utf8");
    if (second !== undefined) {
      pending[at++] = SEPARATOR_BYTE;
      at += pending.write(second, at, "utf8");
    }
    pending.writeUInt32LE(at - this.used - LENGTH_BYTES, this.used);
    this.used = at;
    return handle;
  }

  flush(): void {
    let done = 0;
    while (done < this.used) {
      done += writeSync(this.fd, this.pending, done, this.used - done, this.written + done);
    }
    this.written += this.used;
    this.used = 0;
  }

  get(handle: number): string {
    let at = handle - this.windowStart;
    if (at < 0 || at + LENGTH_BYTES > this.windowLength) at = this.load(handle, LENGTH_BYTES);
    const length = this.window.readUInt32LE(at);
    if (at + LENGTH_BYTES + length > this.windowLength) {
      at = this.load(handle, LENGTH_BYTES + length);
    }
    return this.window.toString("utf8", at + LENGTH_BYTES, at + LENGTH_BYTES + length);
  }

  /** Reads the window from `handle` on (at least `need` bytes); returns the record's place in it. */
  private load(handle: number, need: number): number {
    if (need > this.window.length) this.window = Buffer.allocUnsafe(need);
    let length = 0;
    while (length < need) {
      const read = readSync(
        this.fd,
        this.window,
        length,
        this.window.length - length,
        handle + length,
      );
      if (read === 0) throw new Error(`the key file ends before the key at ${handle}`);
      length += read;
    }
    this.windowStart = handle;
    this.windowLength = length;
    return 0;
  }
}
