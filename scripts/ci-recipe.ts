/**
 * The steps of examples/github-actions/conformance.yml, run here (issue 19): three shards of an
 * --adapter-cmd adapter with the user's own --expectations, merge, the Markdown summary, JUnit,
 * the JSON summary and a badge, then a base and a head benchmark and `awc compare`. Checks that
 * the merged report is valid and gives every (adapter, case) pair the status an unsharded run
 * with the same seed gives. The adapter is this checkout's JS agent on the pinned Node, standing
 * in for a runtime team's own.
 *
 *   npm run ci-recipe            (CI runs it: .ci/run)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, fs } from 'zx';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARDS = 3;
// Enough cases to spread over three shards, a property suite among them (seeded).
const SELECT = ['--suite', 'propagation', '--suite', 'capabilities', '--suite', 'properties', '--runs', '20', '--seed', '1'];

function fail(message: string): never {
  process.stderr.write(`ci-recipe: ${message}\n`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'awc-ci-recipe-'));
const awc = $({ cwd: work, quiet: true, timeout: '600s', env: { ...process.env, NO_COLOR: '1' } });
const npxAwc = ['node', join(ROOT, 'bin', 'awc.mjs')];
/** Runs one step; `ok` lists the exit codes that are not a failure of the recipe itself. */
async function step(name: string, args: string[], ok: number[] = [0]): Promise<number> {
  const t0 = performance.now();
  const r = await awc`${npxAwc} ${args}`.nothrow();
  if (!ok.includes(r.exitCode ?? -1)) fail(`${name}: exit ${r.exitCode}\n${r.stderr.slice(-2000)}`);
  process.stdout.write(`ok  ${name}: exit ${r.exitCode} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  return r.exitCode ?? -1;
}

try {
  const agent = (await awc`${npxAwc} agent`).stdout.trim();
  const adapter = ['--adapter-cmd', `mine=${process.execPath} ${agent} --strategy jspi`, '--adapter', 'mine'];
  // The team's known failures, in their repository: node24-jspi's list under their id.
  await fs.mkdir(join(work, 'expectations'));
  const known = JSON.parse(readFileSync(join(ROOT, 'adapters', 'expectations', 'node24-jspi.json'), 'utf8'));
  writeFileSync(join(work, 'expectations', 'mine.json'), JSON.stringify({ ...known, adapter: 'mine' }, null, 2));
  const run = [...adapter, '--expectations', 'expectations', ...SELECT, '--quiet'];

  for (let i = 1; i <= SHARDS; i++) await step(`shard ${i}/${SHARDS}`, ['run', ...run, '--shard', `${i}/${SHARDS}`, '--out', `shard-${i}.json`]);
  await step('merge', ['merge', ...Array.from({ length: SHARDS }, (_, i) => `shard-${i + 1}.json`), '--out', 'awc.json']);
  await step('validate', ['validate', 'awc.json']);
  await step('report md, junit, json-summary', ['report', 'awc.json', '--format', 'md,junit,json-summary']);
  await step('badge', ['badge', 'awc.json', '--adapter', 'mine', '--out', 'awc-badge.svg']);
  await step('unsharded run (the reference)', ['run', ...run, '--out', 'whole.json']);

  const statuses = (file: string) =>
    new Map(
      (JSON.parse(readFileSync(join(work, file), 'utf8')) as { results: { adapterId: string; caseId: string; status: string }[] }).results.map((r) => [
        `${r.adapterId} ${r.caseId}`,
        r.status,
      ]),
    );
  const merged = statuses('awc.json');
  const whole = statuses('whole.json');
  const differ = [...whole]
    .filter(([pair, s]) => merged.get(pair) !== s)
    .map(([pair, s]) => `${pair}: ${s} unsharded, ${merged.get(pair) ?? 'missing'} merged`);
  if (merged.size !== whole.size || differ.length > 0)
    fail(`merged (${merged.size}) and unsharded (${whole.size}) differ:\n  ${differ.slice(0, 10).join('\n  ')}`);
  process.stdout.write(`ok  merged report equals the unsharded one: ${merged.size} (adapter, case) pairs, same statuses\n`);
  for (const f of ['awc.md', 'awc.junit.xml', 'awc.summary.json', 'awc-badge.svg']) if ((await fs.stat(join(work, f))).size === 0) fail(`${f} is empty`);

  // Base and head of the same code: compare runs and says so; exit 1 (a "regression" from noise
  // on a shared machine) is the gate working, not a failure of the recipe.
  const bench = [...adapter, '--benchmark', 'async-ready', '--time-budget', '0.3', '--repeat', '3'];
  await step('bench base', ['bench', ...bench, '--out', 'base.json']);
  await step('bench head', ['bench', ...bench, '--out', 'head.json']);
  await step('compare base head --format md', ['compare', 'base.json', 'head.json', '--format', 'md'], [0, 1]);
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
