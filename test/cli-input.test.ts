/**
 * Bad input to every command: exit 2 with one line, before any work (issue 14, defects 6, 7, 8,
 * 11, 12 and the same class elsewhere). Each check here failed on the code before the fix.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awc, expectUsageError } from './support/awc.ts';

let dir: string;
let good: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'awc-cli-input-'));
  good = join(dir, 'good.json');
  const r = await awc(['run', '--case', 'propagation.echo.i32.zero', '--out', good]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs every argv at once (the machine is shared, each is a Node start) and checks each is a one-line exit 2. */
async function allRejected(cases: [argv: string[], mention?: string | RegExp][]): Promise<void> {
  const results = await Promise.all(cases.map(([argv]) => awc(argv)));
  for (const [i, r] of results.entries()) {
    const [argv, mention] = cases[i]!;
    try {
      expectUsageError(r, mention);
      // Rejected before any work: no run header, no case line.
      expect(r.stderr).not.toMatch(/awc (run|bench):|\[1\//);
    } catch (err) {
      throw new Error(`awc ${argv.join(' ')}: ${(err as Error).message}`);
    }
  }
}

describe('numeric flags (one parser for every command)', () => {
  it('awc run: --timeout within 1..2^31-1 ms, --jobs, --runs, --seed, --shard', async () => {
    const sel = ['--case', 'propagation.echo.i32.zero'];
    await allRejected([
      [['run', ...sel, '--timeout', '2147483648'], '--timeout'],
      [['run', ...sel, '--timeout', '0'], '--timeout'],
      [['run', ...sel, '--timeout', '1.5'], '--timeout'],
      [['run', ...sel, '--timeout', 'soon'], '--timeout'],
      [['run', ...sel, '--jobs', 'abc'], '--jobs'],
      [['run', ...sel, '--jobs', '0'], '--jobs'],
      [['run', ...sel, '--runs', '-3'], '--runs'],
      [['run', ...sel, '--runs', '1e9'], '--runs'],
      [['run', ...sel, '--seed', '12abc'], '--seed'],
      [['run', ...sel, '--seed', '1e23'], '--seed'],
      [['run', ...sel, '--seed', '1.5'], '--seed'],
      [['run', ...sel, '--seed', ''], '--seed'],
      [['run', ...sel, '--shard', '0/2'], '--shard'],
      [['run', ...sel, '--shard', '3/2'], '--shard'],
      [['run', ...sel, '--shard', '1/99999999999999999999'], '--shard'],
    ]);
  });

  it('awc bench: --time-budget and --repeat', async () => {
    await allRejected([
      [['bench', '--time-budget', 'abc'], '--time-budget'],
      [['bench', '--time-budget', '0'], '--time-budget'],
      [['bench', '--time-budget', 'Infinity'], '--time-budget'],
      [['bench', '--repeat', '0'], '--repeat'],
      [['bench', '--repeat', '2.5'], '--repeat'],
    ]);
  });

  it('awc compare: --threshold and --alpha (a garbage value used to turn regression detection off)', async () => {
    await allRejected([
      [['compare', good, good, '--threshold', 'abc'], '--threshold'],
      [['compare', good, good, '--threshold', '-5'], '--threshold'],
      [['compare', good, good, '--alpha', '-1'], '--alpha'],
      [['compare', good, good, '--alpha', '1'], '--alpha'],
      [['compare', good, good, '--alpha', 'abc'], '--alpha'],
    ]);
  });

  it('awc replay: --seed and --path are checked before anything runs (not "case threw", exit 1)', async () => {
    const base = ['replay', '--adapter', 'node-jspi', '--property', 'properties.model.single'];
    await allRejected([
      [[...base, '--seed', '1', '--path', 'garbage'], '--path'],
      [[...base, '--seed', '1', '--path', '-1'], '--path'],
      [[...base, '--seed', '1', '--path', ''], '--path'],
      [[...base, '--seed', '1', '--path', '1::2'], '--path'],
      [[...base, '--seed', '1e23', '--path', '0'], '--seed'],
      [[...base, '--seed', '7x', '--path', '0'], '--seed'],
    ]);
  });

  it('an empty --case, --benchmark or --format is refused instead of selecting everything (or nothing)', async () => {
    await allRejected([
      [['run', '--case', ''], '--case'],
      [['list', '--case', ''], '--case'],
      [['bench', '--benchmark', ''], '--benchmark'],
      [['run', '--case', 'propagation.echo.i32.zero', '--format', ''], '--format'],
      [['run', '--case', 'propagation.echo.i32.zero', '--format', 'html,'], '--format'],
      [['report', good, '--format', ''], '--format'],
    ]);
  });

  it('a second --case is refused (it used to replace the first silently)', async () => {
    await allRejected([
      [['run', '--case', 'propagation.echo.i32.zero', '--case', 'limits.*'], /--case.*given twice/],
      [['list', '--case', 'a.*', '--case', 'b.*'], /--case.*given twice/],
    ]);
    const braces = await awc(['list', '--case', '{propagation.echo.i32.zero,propagation.echo.i32.one}']);
    expect(braces.code, braces.stderr).toBe(0);
    expect(braces.stdout).toContain('propagation.echo.i32.zero');
    expect(braces.stdout).toContain('propagation.echo.i32.one');
  });
});

describe('awc.config.json of the wrong shape', () => {
  it('exits 2 with one line naming the file for null, non-objects and wrong field types', async () => {
    const shapes = [
      'null',
      '[]',
      '"adapters"',
      '42',
      '{"adapters": null}',
      '{"adapters": [null]}',
      '{"adapters": [7]}',
      '{"adapters": [{"id": "x", "command": "node agent.js"}]}',
      '{"adapters": [{"id": "x", "command": ["node"], "comand": ["typo"]}]}',
      '{"adapters": [], "adapter": []}',
    ];
    const files = await Promise.all(
      shapes.map(async (text, i) => {
        const file = join(dir, `config-${i}.json`);
        await writeFile(file, text);
        return file;
      }),
    );
    await allRejected(files.map((file) => [['adapters', '--config', file], file]));
  });
});

describe('the help text', () => {
  it('awc run --help cites the protocol section of SPEC.md (§11)', async () => {
    const r = await awc(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SPEC.md §11');
    expect(r.stdout).not.toContain('§7');
  });
});

describe('reports as input (defect 12)', () => {
  it('awc report, compare --format html and history add refuse to write over their own input', async () => {
    const copy = join(dir, 'self.json');
    const text = await readFile(good, 'utf8');
    await writeFile(copy, text);
    await allRejected([
      [['report', copy, '--format', 'md', '--out', copy], 'input'],
      [['report', good, '--format', 'html', '--out', copy, '--history', copy], 'input'],
      [['compare', good, copy, '--format', 'html', '--out', copy], 'input'],
      [['history', 'add', copy, '--file', copy], 'input'],
    ]);
    expect(await readFile(copy, 'utf8')).toBe(text);
  });

  it('a missing or malformed --history file is an error, not an empty trend', async () => {
    const nullLine = join(dir, 'history-null.jsonl');
    await writeFile(nullLine, 'null\n');
    await allRejected([
      [['report', good, '--format', 'html', '--out', join(dir, 'h.html'), '--history', join(dir, 'no-such-history.jsonl')], 'no-such-history.jsonl'],
      [['report', good, '--format', 'html', '--out', join(dir, 'h2.html'), '--history', nullLine], 'history-null.jsonl'],
    ]);
  });

  it('awc validate rejects a report whose summary disagrees with its results, naming the disagreement', async () => {
    const report = JSON.parse(await readFile(good, 'utf8'));
    report.summary.total += 1;
    report.summary.byStatus.pass = 0;
    const bad = join(dir, 'summary.json');
    await writeFile(bad, JSON.stringify(report));
    const r = await awc(['validate', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/summary/total');
    expect(r.stderr).toContain('/summary/byStatus/pass');

    const orphan = JSON.parse(await readFile(good, 'utf8'));
    orphan.results[0].adapterId = 'not-described';
    const orphanFile = join(dir, 'orphan.json');
    await writeFile(orphanFile, JSON.stringify(orphan));
    const o = await awc(['validate', orphanFile]);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain('/results/0/adapterId');
  });
});

describe('--expectations DIR', () => {
  it('replaces the built-in list for an adapter with a file there; the reproduce line carries it; a missing DIR is a usage error', async () => {
    const own = join(dir, 'own-expectations');
    await mkdir(own);
    // A case node-jspi passes, listed as a known failure: it must come out unexpected-pass.
    await writeFile(
      join(own, 'node-jspi.json'),
      JSON.stringify({ adapter: 'node-jspi', knownFailures: [{ case: 'propagation.echo.i32.zero', reason: 'test: stale on purpose' }] }),
    );
    const out = join(dir, 'own-expectations.json');
    const r = await awc(['run', '--case', 'propagation.echo.i32.zero', '--expectations', own, '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const [result] = JSON.parse(await readFile(out, 'utf8')).results;
    expect(result).toMatchObject({ caseId: 'propagation.echo.i32.zero', status: 'unexpected-pass' });
    expect(result.reproduce).toContain(`--expectations ${own}`);
    expectUsageError(await awc(['run', '--case', 'propagation.echo.i32.zero', '--expectations', join(dir, 'nowhere')]), '--expectations');
  });
});
