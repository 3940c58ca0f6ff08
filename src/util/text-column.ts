/**
 * Strings by position, in one growing buffer rather than as string objects: one byte a character
 * when all are ASCII (ids and URLs nearly always are), else two (UTF-16, exact for any string,
 * lone surrogates included), plus 12 bytes of position. A million 40-character URLs take about
 * 52 MB here, outside the object heap, where strings and an array of them take about 64 MB of it
 * (which the garbage collector marks again and again). Pure.
 */
import { IntColumn, NumberColumn } from "./int-column.js";

export class TextColumn {
  private text = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  /** By position: where its text starts in {@link text}. */
  private readonly starts = new NumberColumn();
  /** By position: its length in bytes, doubled, plus 1 for UTF-16; -1 for no text. */
  private readonly stored = new IntColumn();

  get length(): number {
    return this.stored.length;
  }

  /** Appends `value` (undefined: a position with no text). */
  push(value: string | undefined): void {
    this.starts.push(this.used);
    if (value === undefined) {
      this.stored.push(-1);
      return;
    }
    const ascii = Buffer.byteLength(value, "utf8") === value.length;
    const bytes = ascii ? value.length : value.length * 2;
    if (this.used + bytes > this.text.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.text.length * 2, this.used + bytes));
      this.text.copy(grown, 0, 0, this.used);
      this.text = grown;
    }
    this.text.write(value, this.used, ascii ? "latin1" : "utf16le");
    this.used += bytes;
    this.stored.push(bytes * 2 + (ascii ? 0 : 1));
  }

  /** The text at `index`; undefined when it has none. */
  at(index: number): string | undefined {
    const stored = this.stored.at(index);
    if (stored < 0) return undefined;
    const start = this.starts.at(index);
    return this.text.toString(stored & 1 ? "utf16le" : "latin1", start, start + (stored >>> 1));
  }

  /** Whether the text at `index` is `value` (without making a string of it, for ASCII text). */
  equals(index: number, value: string): boolean {
    const stored = this.stored.at(index);
    if (stored < 0 || (stored & 1) === 1) return this.at(index) === value;
    const length = stored >>> 1;
    if (length !== value.length) return false;
    const { text } = this;
    const start = this.starts.at(index);
    for (let i = 0; i < length; i++) {
      if (text[start + i] !== value.charCodeAt(i)) return false;
    }
    return true;
  }

  /** Drops every text (the buffer is kept for reuse). */
  clear(): void {
    this.used = 0;
    this.starts.clear();
    this.stored.clear();
  }
}
