/**
 * Where the declared inputs' concepts and metadata (as JSON text, from which the desired index
 * makes their key, see input-key.ts) are kept while a plan runs. The index decides "same or not"
 * by a key's fingerprint and reads the text only for the inputs a plan changes, so it may live
 * outside the heap: a loader on a worker thread writes it to a file (src/cli/key-file.ts) that
 * the planner reads.
 * Small manifests and tests keep them in memory ({@link MemoryKeyStore}).
 */
import { PART_SEPARATOR } from "./input-key.js";

/** Takes keys as they are made. */
export interface KeyWriter {
  /**
   * Stores the JSON texts of an input's `concepts` and `metadata`; returns the handle that reads
   * them back, joined by input-key.ts's PART_SEPARATOR (which JSON text never holds).
   */
  put(concepts: string, metadata: string): number;
  /** Stores an input's JSON as written (an object: its text starts with `{`, a key's with `[`). */
  putInput(json: string): number;
  /** Makes every key put so far readable by a reader (on another thread). */
  flush(): void;
}

/** Reads keys back by handle. */
interface KeyReader {
  get(handle: number): string;
}

export interface KeyStore extends KeyWriter, KeyReader {}

/** Keys in an array; the handle is the position. */
export class MemoryKeyStore implements KeyStore {
  private readonly keys: string[] = [];

  put(concepts: string, metadata: string): number {
    this.keys.push([concepts, metadata].join(PART_SEPARATOR));
    return this.keys.length - 1;
  }

  putInput(json: string): number {
    this.keys.push(json);
    return this.keys.length - 1;
  }

  flush(): void {}

  get(handle: number): string {
    const key = this.keys[handle];
    if (key === undefined) throw new Error(`no key with handle ${handle}`);
    return key;
  }
}
