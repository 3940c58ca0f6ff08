/**
 * The first declaration of each id and of each URL among every input a load checks, by ordinal
 * (the position of an input among all checked, one per input), in typed arrays rather than Maps
 * of strings: a million inputs take about 70 MB here where Maps and arrays of strings took about
 * 170 MB of a loader's heap. Pure.
 *
 * - Ids are exact, kept in a {@link TextColumn} (the rules name an input by its id).
 * - URLs are told apart by 96 bits and not kept: the table's 32-bit hash of the text and a 64-bit
 *   {@link Fingerprinter} fingerprint. Two different URLs are taken for one with a chance of about
 *   6e-18 among a million (n²/2^97), which would report a shared URL that is not; the message
 *   shows both places.
 */
import { Fingerprinter } from "../util/fingerprint.js";
import { IntColumn } from "../util/int-column.js";
import { StringTable } from "../util/string-table.js";
import { TextColumn } from "../util/text-column.js";

/** Each input's id as shown (any written value), and the first declaration of each string id. */
export class DeclaredIds {
  /** By ordinal: the id as shown. */
  private readonly shown = new TextColumn();
  private readonly table = new StringTable((ordinal, id) => this.shown.equals(ordinal, id));

  /**
   * Records the id of the next ordinal (`undefined`: none; not a string: shown, never a
   * duplicate). Returns the ordinal that declared the same string id first, or undefined.
   */
  declare(id: unknown): number | undefined {
    const ordinal = this.shown.length;
    this.shown.push(id === undefined ? undefined : String(id));
    return typeof id === "string" ? this.table.claim(id, ordinal) : undefined;
  }

  /** The id of `ordinal` as shown; undefined when it has none. */
  shownAt(ordinal: number): string | undefined {
    return this.shown.at(ordinal);
  }
}

/** The first declaration of each URL, by 96 bits (see the module's comment). */
export class DeclaredUrls {
  /** By ordinal: the URL's fingerprint (0, 0 for none). */
  private readonly lo = new IntColumn();
  private readonly hi = new IntColumn();
  private readonly fingerprinter = new Fingerprinter();
  /** The table holds a URL at an ordinal whose fingerprint is the one being declared. */
  private readonly table = new StringTable(
    (ordinal) =>
      this.lo.at(ordinal) === this.fingerprinter.lo &&
      this.hi.at(ordinal) === this.fingerprinter.hi,
  );

  /**
   * Records the URL of the next ordinal (undefined: none). Returns the ordinal that declared the
   * same URL first, or undefined.
   */
  declare(url: string | undefined): number | undefined {
    const ordinal = this.lo.length;
    if (url === undefined) {
      this.lo.push(0);
      this.hi.push(0);
      return undefined;
    }
    const { lo, hi } = this.fingerprinter.start().add(url).finish();
    this.lo.push(lo);
    this.hi.push(hi);
    return this.table.claim(url, ordinal);
  }
}
