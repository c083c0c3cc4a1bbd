/** `awc replay`: one property counterexample again, on one adapter, with its program printed. */
import { cacheRoot } from '../cache.ts';
import { writeAtomic } from '../files.ts';
import { checkOutput } from './output.ts';
import { join } from 'node:path';
import { DEFAULT_ADAPTER_ID } from '../../adapters/registry.ts';
import type { Program } from '../../suites/properties/program.ts';
import { REGRESSIONS_DIR, type SavedRegression } from '../../suites/properties/regressions.ts';
import { ALL_CASES } from '../../suites/index.ts';
import { createDataDir } from '../env/data-dir.ts';
import { startLoopbackServer } from '../env/http-server.ts';
import { runCases } from '../runner.ts';
import { UsageError, selectAdapters } from '../selection.ts';
import { allAdapters, type AdapterSourceFlags } from './adapter-options.ts';
import { EXIT } from './run.ts';
import { exitOnInterrupt } from './signals.ts';

export async function replayCommand(flags: AdapterSourceFlags & { adapter: string; property: string; seed: number; path: string; save?: string }): Promise<number> {
  const property = ALL_CASES.find((c) => c.id === flags.property && c.suite === 'properties');
  if (!property) throw new UsageError(`unknown property case "${flags.property}"; property cases: ${ALL_CASES.filter((c) => c.suite === 'properties').map((c) => c.id).join(', ')}`);
  if (!Number.isInteger(flags.seed)) throw new UsageError('--seed must be an integer');
  const adapters = selectAdapters(await allAdapters(flags), [flags.adapter], DEFAULT_ADAPTER_ID);
  if (flags.save !== undefined) {
    if (!/^[a-z0-9-]+$/.test(flags.save)) throw new UsageError('--save NAME: lowercase letters, digits and dashes');
    await checkOutput(join(REGRESSIONS_DIR, `${flags.save}.json`), '--save');
  }
  const cacheNote = cacheRoot().note;
  if (cacheNote) process.stderr.write(cacheNote + '\n');
  // One program, nothing worth keeping half-done: a signal kills the adapters and exits (the data directory goes at exit).
  exitOnInterrupt((line) => process.stderr.write(line + '\n'));
  const [server, data] = await Promise.all([startLoopbackServer(), createDataDir()]);
  try {
    const { results } = await runCases({
      adapters,
      cases: [property],
      env: { httpOrigin: server.origin, httpRequests: server.requests, httpAbandoned: server.abandoned, dataDir: data.dataMount },
      properties: { runs: 1, seed: flags.seed, path: flags.path },
    });
    const r = results[0]!;
    process.stdout.write(`${r.status}: ${r.message ?? 'the replayed program matches the model'}\n`);
    const evidence = r.evidence as { wat?: string; expected?: unknown; program?: Program; programs?: { wat: string }[] } | undefined;
    if (evidence?.wat) process.stdout.write(`\nprogram:\n${evidence.wat}\nmodel expects: ${JSON.stringify(evidence.expected)}\n`);
    if (flags.save) {
      if (!evidence?.program) throw new UsageError('nothing to save: the replay found no single-program counterexample');
      const saved: SavedRegression = { name: flags.save, program: evidence.program, foundBy: { property: flags.property, adapter: flags.adapter, seed: flags.seed, path: flags.path, message: r.message ?? '' } };
      const file = join(REGRESSIONS_DIR, `${flags.save}.json`);
      await writeAtomic(file, JSON.stringify(saved, null, 2) + '\n');
      process.stdout.write(`\nsaved as ${file}: it now runs as case properties.regression.${flags.save}\n`);
    }
    for (const p of evidence?.programs ?? []) process.stdout.write(`\nprogram:\n${p.wat}\n`);
    return r.status === 'pass' ? EXIT.OK : EXIT.FAILURES;
  } finally {
    await Promise.all([server.close(), data.remove()]);
  }
}
