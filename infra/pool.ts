/** Runs fn(0..count-1) with at most `concurrency` in flight; rejects with the first error, after the rest settle. */
export async function runPool(
  concurrency: number,
  count: number,
  fn: (i: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < count && failed === undefined && !signal?.aborted) {
      const i = next++;
      try {
        await fn(i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failed !== undefined) throw failed;
  signal?.throwIfAborted();
}
