/** Batching helpers of apply (the concurrency pool is src/util/pool.ts). */

/** Splits `items` into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Splits `items` into chunks of at most `maxCount` items whose `sizeOf` adds up to at most
 * `maxSize` (an item larger than `maxSize` gets a chunk of its own).
 */
export function chunkBySize<T>(
  items: readonly T[],
  maxCount: number,
  maxSize: number,
  sizeOf: (item: T) => number,
): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const itemSize = sizeOf(item);
    if (current.length > 0 && (current.length >= maxCount || size + itemSize > maxSize)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length > 0) out.push(current);
  return out;
}
