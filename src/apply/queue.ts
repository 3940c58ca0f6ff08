/**
 * Runs `worker` over `items` with at most `concurrency` in flight. When `signal` aborts, no new
 * item is started; the ones in flight finish. Results come back in item order; items never
 * started are `undefined`.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  options: { concurrency: number; signal?: AbortSignal | undefined },
  worker: (item: T, index: number) => Promise<R>,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  const lanes = Math.max(1, Math.min(options.concurrency, items.length));
  const lane = async () => {
    while (next < items.length && !options.signal?.aborted) {
      const index = next++;
      results[index] = await worker(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}

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
