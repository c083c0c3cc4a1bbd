/**
 * `awc replay`, the property suite's own command: one counterexample again, on one adapter, with
 * its program printed. Contributed to the command line through the Catalog (bin/main.ts).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { cacheRoot } from '../../harness/cache.ts';
import type { Catalog } from '../../harness/catalog.ts';
import { allAdapters, withAdapterSources, type AdapterSourceFlags } from '../../harness/cli/adapter-options.ts';
import * as num from '../../harness/cli/numbers.ts';
import { checkOutput } from '../../harness/cli/output.ts';
import { EXIT } from '../../harness/cli/run.ts';
import { exitOnInterrupt } from '../../harness/cli/signals.ts';
import { createDataDir } from '../../harness/env/data-dir.ts';
import { startLoopbackServer } from '../../harness/env/http-server.ts';
import { writeAtomic } from '../../harness/files.ts';
import { runCases } from '../../harness/runner.ts';
import { UsageError, selectAdapters } from '../../harness/selection.ts';
import type { Program } from './program.ts';
import { REGRESSIONS_DIR, type SavedRegression } from './regressions.ts';

type ReplayFlags = AdapterSourceFlags & { adapter: string; property: string; seed: number; path: string; save?: string };

/** Adds `awc replay` to the program. */
export function replayCommand(program: Command, catalog: Catalog): void {
  withAdapterSources(
    program
      .command('replay')
      .description('rerun one property counterexample: the same seed and path give the same minimal program')
      .requiredOption('-a, --adapter <id>', 'adapter to run it on')
      .requiredOption('--property <case-id>', 'the property case, e.g. properties.model.single')
      .requiredOption('--seed <n>', 'seed from the report', num.seed)
      .requiredOption('--path <path>', 'counterexample path from the report, e.g. "12:0:1"', num.propertyPath)
      .option('--save <name>', 'keep the minimal program under fixtures/regressions/ as case properties.regression.<name>'),
  ).action(async (flags: ReplayFlags) => {
    process.exitCode = await replay(flags, catalog);
  });
}

async function replay(flags: ReplayFlags, catalog: Catalog): Promise<number> {
  const seeded = catalog.cases.filter((c) => c.seeded);
  const property = seeded.find((c) => c.id === flags.property);
  if (!property) throw new UsageError(`unknown property case "${flags.property}"; property cases: ${seeded.map((c) => c.id).join(', ')}`);
  if (!Number.isInteger(flags.seed)) throw new UsageError('--seed must be an integer');
  const adapters = selectAdapters(await allAdapters(flags, catalog.adapters), [flags.adapter], catalog.defaultAdapterId);
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
      const saved: SavedRegression = {
        name: flags.save,
        program: evidence.program,
        foundBy: { property: flags.property, adapter: flags.adapter, seed: flags.seed, path: flags.path, message: r.message ?? '' },
      };
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
