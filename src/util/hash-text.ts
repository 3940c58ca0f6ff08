/**
 * FNV-1a over UTF-16 code units, then murmur3's finaliser: a fast 32-bit hash of a string for
 * in-memory tables. FNV-1a alone leaves the low bits weak (bit k of the hash depends only on bits
 * 0..k of the text), and tables index by the low bits: ids and URLs that differ in a few digits
 * would crowd a few slots.
 */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
