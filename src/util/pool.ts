/**
 * The one concurrency pool: runs `worker` over `items` with at most `concurrency` in flight. When
 * `signal` aborts, no new item is started; the ones in flight finish. Results come back in item
 * order; items never started are `undefined`.
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

/** {@link runBounded} without a signal: every item runs, so every result is there. */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T) => Promise<R>,
): Promise<R[]> {
  return (await runBounded(items, { concurrency }, worker)) as R[];
}
