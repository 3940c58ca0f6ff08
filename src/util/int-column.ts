/** Growable columns of numbers in typed arrays: 4 or 8 bytes an entry, outside the object heap. */
class TypedColumn<A extends Int32Array | Float64Array> {
  private data: A;
  private count = 0;

  constructor(
    private readonly make: (length: number) => A,
    capacity: number,
  ) {
    this.data = make(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.data.length) {
      const grown = this.make(this.data.length * 2);
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

  /** The first position whose value is `value` or more, in a column of ascending values. */
  lowerBound(value: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.data[middle] as number) < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  clear(): void {
    this.count = 0;
  }
}

/** 32-bit integers: 4 bytes an entry where an array of numbers takes 8. */
export class IntColumn extends TypedColumn<Int32Array> {
  constructor(capacity = 1024) {
    super((length) => new Int32Array(length), capacity);
  }
}

/** Doubles (integers beyond 32 bits: file offsets). */
export class NumberColumn extends TypedColumn<Float64Array> {
  constructor(capacity = 1024) {
    super((length) => new Float64Array(length), capacity);
  }
}
