/** Bounded waiting: every loop that waits in the harness goes through here. */

/** Resolves on the next macrotask turn, letting pending I/O and timers run. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Polls `check` once per turn until it returns a value other than undefined; rejects after
 * `timeoutMs` (or when `signal` aborts) naming what was awaited.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (signal?.aborted) throw new Error(`stopped waiting for ${what}: the case was aborted`);
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await nextTurn();
  }
}
