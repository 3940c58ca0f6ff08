/**
 * Which declared inputs post a URL without `allow_duplicate_url`, kept as 32-bit hashes in typed
 * arrays rather than a Map of a million strings (which would double the planner's time on a large
 * app). The differ asks, for each undeclared live input that stays, whether a declared input may
 * claim its URL; a hash collision only costs a false candidate, which the exact check at the end
 * drops.
 */
import { hashText } from "../util/hash-text.js";
export interface UrlClaims {
  /** Whether a declared input other than `selfIndex` (-1: none) may post `url`. */
  mayClaim(url: string, selfIndex: number): boolean;
}

/** Builds the claims of `urls` (one per declared index; undefined = claims nothing). */
export function createUrlClaims(urls: readonly (string | undefined)[]): UrlClaims {
  let count = 0;
  for (const url of urls) if (url !== undefined) count++;
  let size = 16;
  while (size < count * 2) size *= 2;
  const mask = size - 1;
  const hashes = new Uint32Array(size);
  // Index + 1, so that 0 marks an empty slot.
  const owners = new Int32Array(size);
  urls.forEach((url, index) => {
    if (url === undefined) return;
    const hash = hashText(url);
    let slot = hash & mask;
    while (owners[slot] !== 0) slot = (slot + 1) & mask;
    hashes[slot] = hash;
    owners[slot] = index + 1;
  });
  return {
    mayClaim(url, selfIndex) {
      if (count === 0) return false;
      const hash = hashText(url);
      for (let slot = hash & mask; owners[slot] !== 0; slot = (slot + 1) & mask) {
        if (hashes[slot] === hash && owners[slot] !== selfIndex + 1) return true;
      }
      return false;
    },
  };
}
