/**
 * Positions of distinct strings held elsewhere (an array of ids), found by value: an open
 * addressing table of 32-bit slots and hashes, 16–32 bytes per string where a Map takes about 40.
 */
import { hashText } from "./hash-text.js";
export class StringTable {
  private slots = new Int32Array(1024);
  /** The hash of each slot's string, so that growing never hashes again. */
  private hashes = new Uint32Array(1024);
  private mask = 1023;
  private count = 0;

  /** `holds(position, key)`: whether the string stored at a position the table was given is `key`. */
  constructor(private readonly holds: (position: number, key: string) => boolean) {}

  get size(): number {
    return this.count;
  }

  /** The position of `key`, or undefined. */
  get(key: string): number | undefined {
    const { slots, mask } = this;
    const hash = hashText(key);
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot] as number;
      if (entry === 0) return undefined;
      if (this.hashes[slot] === hash && this.holds(entry - 1, key)) return entry - 1;
    }
  }

  /**
   * The position of `key` if the table has it; else records it at `position` and returns
   * undefined (one lookup).
   */
  claim(key: string, position: number): number | undefined {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const { slots, mask } = this;
    const hash = hashText(key);
    let slot = hash & mask;
    for (; slots[slot] !== 0; slot = (slot + 1) & mask) {
      const entry = slots[slot] as number;
      if (this.hashes[slot] === hash && this.holds(entry - 1, key)) return entry - 1;
    }
    slots[slot] = position + 1;
    this.hashes[slot] = hash;
    this.count++;
    return undefined;
  }

  private place(hash: number, position: number): void {
    const { slots, mask } = this;
    let slot = hash & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = position + 1;
    this.hashes[slot] = hash;
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(oldSlots.length * 2);
    this.hashes = new Uint32Array(oldSlots.length * 2);
    this.mask = this.slots.length - 1;
    for (let i = 0; i < oldSlots.length; i++) {
      const entry = oldSlots[i] as number;
      if (entry !== 0) this.place(oldHashes[i] as number, entry - 1);
    }
  }
}
