/**
 * The first declaration of each id and of each URL among every input a load checks, by ordinal
 * (the position of an input among all checked, one per input), in typed arrays rather than Maps
 * of strings: a million inputs take about 70 MB here where Maps and arrays of strings took about
 * 170 MB of a loader's heap. Pure.
 *
 * - Ids are exact, kept in a {@link TextColumn} (the rules name an input by its id).
 * - URLs are told apart by a 96-bit fingerprint and not kept: two different URLs are taken for one
 *   with a chance of about 6e-18 among a million (n²/2^97), which would report a shared URL that is
 *   not; the message shows both places.
 */
import { Fingerprinter } from "../util/fingerprint.js";
import { hashText } from "../util/hash-text.js";
import { IntColumn } from "../util/int-column.js";
import { TextColumn } from "../util/text-column.js";

/**
 * Open addressing over ordinals: slot `ordinal + 1`, 0 empty. The caller keeps each ordinal's
 * hash and says which ordinal holds a value.
 */
class OrdinalSlots {
  private slots = new Int32Array(1024);
  private count = 0;

  /** The ordinal in the chain of `hash` that `holds` the value, or undefined. */
  find(hash: number, holds: (ordinal: number) => boolean): number | undefined {
    const { slots } = this;
    const mask = slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot] as number;
      if (entry === 0) return undefined;
      if (holds(entry - 1)) return entry - 1;
    }
  }

  /** Adds `ordinal` (whose value is not in the table yet); `hashAt` gives any ordinal's hash. */
  add(ordinal: number, hashAt: (ordinal: number) => number): void {
    if ((this.count + 1) * 2 > this.slots.length) {
      const old = this.slots;
      this.slots = new Int32Array(old.length * 2);
      for (const entry of old) if (entry !== 0) this.place(hashAt(entry - 1), entry - 1);
    }
    this.place(hashAt(ordinal), ordinal);
    this.count++;
  }

  private place(hash: number, ordinal: number): void {
    const { slots } = this;
    const mask = slots.length - 1;
    let slot = hash & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = ordinal + 1;
  }
}

/** Each input's id as shown (any written value), and the first declaration of each string id. */
export class DeclaredIds {
  /** By ordinal: the id as shown, and its hash. */
  private readonly shown = new TextColumn();
  private readonly hashes = new IntColumn();
  private readonly table = new OrdinalSlots();
  private readonly hashAt = (ordinal: number) => this.hashes.at(ordinal);

  /**
   * Records the id of the next ordinal (`undefined`: none; not a string: shown, never a
   * duplicate). Returns the ordinal that declared the same string id first, or undefined.
   */
  declare(id: unknown): number | undefined {
    const ordinal = this.shown.length;
    if (id === undefined) {
      this.shown.push(undefined);
      this.hashes.push(0);
      return undefined;
    }
    const text = String(id);
    const hash = hashText(text) | 0;
    this.shown.push(text);
    this.hashes.push(hash);
    if (typeof id !== "string") return undefined;
    const first = this.table.find(
      hash,
      (other) => this.hashes.at(other) === hash && this.shown.equals(other, id),
    );
    if (first === undefined) this.table.add(ordinal, this.hashAt);
    return first;
  }

  /** The id of `ordinal` as shown; undefined when it has none. */
  shownAt(ordinal: number): string | undefined {
    return this.shown.at(ordinal);
  }
}

/** The first declaration of each URL, by a 96-bit fingerprint (see the module's comment). */
export class DeclaredUrls {
  private readonly lanes = [new IntColumn(), new IntColumn(), new IntColumn()] as const;
  private readonly table = new OrdinalSlots();
  private readonly fingerprinter = new Fingerprinter();
  private readonly hashAt = (ordinal: number) => this.lanes[2].at(ordinal);

  /**
   * Records the URL of the next ordinal (undefined: none). Returns the ordinal that declared the
   * same URL first, or undefined.
   */
  declare(url: string | undefined): number | undefined {
    const [lo, hi, third] = this.lanes;
    const ordinal = lo.length;
    if (url === undefined) {
      lo.push(0);
      hi.push(0);
      third.push(0);
      return undefined;
    }
    const f = this.fingerprinter.start().add(url).finish();
    const hash = hashText(url) | 0;
    lo.push(f.lo);
    hi.push(f.hi);
    third.push(hash);
    const { lo: l, hi: h } = f;
    const first = this.table.find(
      hash,
      (other) => third.at(other) === hash && lo.at(other) === l && hi.at(other) === h,
    );
    if (first === undefined) this.table.add(ordinal, this.hashAt);
    return first;
  }
}
