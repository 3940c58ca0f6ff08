/**
 * Finds the URLs an app holds more than once, in bounded memory: each URL is kept as a 53-bit
 * hash in a growing Float64Array (8 bytes per input, 8 MB for a million), sorted once at the end.
 * A hash collision can only mark a unique URL as duplicated, which adds a harmless
 * `allow_duplicate_url: true` (the flag is sent on create only and never causes a diff).
 */
export class UrlDuplicates {
  private hashes = new Float64Array(1024);
  private count = 0;
  private duplicates: Set<number> | undefined;

  /** Records one occurrence of `url`. */
  add(url: string): void {
    if (this.duplicates !== undefined) throw new Error("UrlDuplicates: add() after seal()");
    if (this.count === this.hashes.length) {
      const grown = new Float64Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count++] = urlHash(url);
  }

  /** Ends recording; frees the hashes and keeps only those seen more than once. */
  seal(): void {
    const sorted = this.hashes.subarray(0, this.count).sort();
    const duplicates = new Set<number>();
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i] === sorted[i - 1]) duplicates.add(sorted[i] as number);
    }
    this.duplicates = duplicates;
    this.hashes = new Float64Array(0);
  }

  /** Whether `url` was recorded more than once (after {@link seal}). */
  isDuplicated(url: string): boolean {
    if (this.duplicates === undefined) throw new Error("UrlDuplicates: seal() first");
    return this.duplicates.has(urlHash(url));
  }
}

/** Two 32-bit FNV-1a variants over UTF-16 code units, folded into one 53-bit integer. */
function urlHash(url: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ url.length;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
