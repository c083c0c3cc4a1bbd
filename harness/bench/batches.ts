/**
 * In-runtime timing for JS: tinybench runs batches of calls inside the engine under test; each
 * batch is one raw sample. Batches are sized so a sample lasts well above timer resolution. Used
 * by every JS adapter (in the engine under test) and by the harness itself for the protocol
 * round trip; the Rust sampler (adapters/rust-host/src/lib.rs, `sample!`) follows the same rule
 * (a batch lasts at least MIN_SAMPLE_MS and holds at most MAX_BATCH calls; PROTOCOL.md `bench`).
 */
import { Bench } from 'tinybench';
import type { BenchOptions, BenchSample } from '../adapter.ts';

/** A sample should last at least this long (performance.now() may be coarse, e.g. 100 µs). */
export const MIN_SAMPLE_MS = 1;
/** At most this many calls per batch, however fast a call is. */
export const MAX_BATCH = 1 << 20;
const CALIBRATION_WARMUP_MS = 100;
const CALIBRATION_WINDOW_MS = 50;

/** Measures `once` (one call of the export, rejecting on a wrong outcome) in calibrated batches. */
export async function benchBatches(once: () => Promise<void> | void, options: Pick<BenchOptions, 'budgetMs' | 'warmupMs'>): Promise<BenchSample[]> {
  // Warm up, then count calls over a window long enough for a coarse clock (some engines give
  // performance.now() in ~1 ms steps), and size the batch from that rate.
  const warmUntil = performance.now() + CALIBRATION_WARMUP_MS;
  while (performance.now() < warmUntil) await once();
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < CALIBRATION_WINDOW_MS) {
    await once();
    calls++;
  }
  const perCallMs = (performance.now() - t0) / calls;
  const batch = Math.min(MAX_BATCH, Math.max(1, Math.ceil(MIN_SAMPLE_MS / perCallMs)));
  // tinybench runs at least `iterations` (default 64) and `warmupIterations` (16) batches whatever
  // the time: with a batch of one slow call (a 16 MiB stream copy on jco, ~1 s) that was minutes
  // past the budget and the protocol's timeout. One batch each is the floor; time decides the rest.
  const bench = new Bench({
    time: options.budgetMs,
    warmupTime: options.warmupMs,
    warmup: options.warmupMs > 0,
    iterations: 1,
    warmupIterations: 1,
    retainSamples: true,
    throws: true,
  });
  bench.add('batch', async () => {
    for (let i = 0; i < batch; i++) await once();
  });
  await bench.run();
  const result = bench.tasks[0]!.result as { latency?: { samples?: readonly number[] }; error?: Error };
  if (result.error) throw result.error;
  const samples = result.latency?.samples ?? [];
  return samples.map((ms) => ({ iterations: batch, totalNs: ms * 1e6 }));
}
