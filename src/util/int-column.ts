/** A growable column of 32-bit integers: 4 bytes an entry where an array of numbers takes 8. */
export class IntColumn {
  private data: Int32Array;
  private count = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.count++] = value;
  }

  at(index: number): number {
    return this.data[index] as number;
  }

  /** Entries [from, to) as plain numbers (to hand them to another thread). */
  slice(from: number, to: number): number[] {
    return Array.from(this.data.subarray(from, Math.min(to, this.count)));
  }

  clear(): void {
    this.count = 0;
  }
}
