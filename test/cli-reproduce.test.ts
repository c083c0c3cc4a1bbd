/**
 * `reproduce` lines (issue 14 defect 2, issue 13): printed for every result that did not pass,
 * they must rerun that case as printed, for an adapter from --adapter-cmd, --config or --plugin
 * too, from a shell, whatever the paths contain.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from './support/temp-dir.ts';
import { ROOT } from '../harness/paths.ts';
import { awc, shell } from './support/awc.ts';

// A space and a quote in the directory: the printed line must quote them for the shell.
const dir = await fileTempDir("awc repro 'q' ");

const MISBEHAVING = join(ROOT, 'test', 'support', 'misbehaving-adapter.mjs');

/** Runs once, takes the one result's reproduce line, runs that line through sh, returns both reports' results. */
async function rerun(argv: string[], name: string) {
  const first = join(dir, `${name}-first.json`);
  const r = await awc([...argv, '--out', first]);
  expect(r.code, r.stderr).toBe(1);
  const [result] = JSON.parse(await readFile(first, 'utf8')).results;
  expect(result.reproduce).toBeDefined();
  expect(r.stderr).toContain(`rerun: ${result.reproduce}`);
  const second = join(dir, `${name}-second.json`);
  const again = await shell(`${result.reproduce} --out '${second.replace(/'/g, `'\\''`)}'`);
  expect(again.stderr).not.toContain('unknown adapter');
  expect(again.code, again.stderr).toBe(1);
  const rerunResults = JSON.parse(await readFile(second, 'utf8')).results;
  return { result, rerunResults };
}

describe('reproduce lines rerun the case as printed', () => {
  it('for an --adapter-cmd adapter', async () => {
    const spec = `bad=${process.execPath} '${MISBEHAVING}' invalid-result`;
    const { result, rerunResults } = await rerun(['run', '--adapter-cmd', spec, '--adapter', 'bad', '--case', 'propagation.echo.i32.zero'], 'cmd');
    expect(result.reproduce).toContain('--adapter-cmd');
    expect(rerunResults).toHaveLength(1);
    expect(rerunResults[0]).toMatchObject({ adapterId: 'bad', caseId: 'propagation.echo.i32.zero', status: 'error' });
  });

  it('for an adapter from --config (a path with a space and a quote)', async () => {
    const config = join(dir, 'awc.config.json');
    await writeFile(config, JSON.stringify({ adapters: [{ id: 'cfg-bad', command: [process.execPath, MISBEHAVING, 'invalid-result'] }] }));
    const { result, rerunResults } = await rerun(['run', '--config', config, '--adapter', 'cfg-bad', '--case', 'propagation.echo.i32.zero'], 'config');
    expect(result.reproduce).toContain('--config');
    expect(rerunResults).toHaveLength(1);
    expect(rerunResults[0]).toMatchObject({ adapterId: 'cfg-bad', caseId: 'propagation.echo.i32.zero', status: 'error' });
  });

  it('for a --plugin adapter given by a relative path, with a non-default --timeout', async () => {
    const { result, rerunResults } = await rerun(
      ['run', '--plugin', 'test/support/broken-adapters.ts', '--adapter', 'fake-off-by-one-i64', '--case', 'propagation.echo.i64.max', '--timeout', '9000'],
      'plugin',
    );
    expect(result.reproduce).toContain(`--plugin ${join(ROOT, 'test', 'support', 'broken-adapters.ts')}`);
    expect(result.reproduce).toContain('--timeout 9000');
    expect(rerunResults).toHaveLength(1);
    expect(rerunResults[0]).toMatchObject({ adapterId: 'fake-off-by-one-i64', caseId: 'propagation.echo.i64.max', status: 'fail' });
  });
});

describe('property cases', () => {
  it('the rerun line carries the seed and runs, and the replay line in the evidence carries the adapter source', async () => {
    const { result, rerunResults } = await rerun(
      [
        'run',
        '--plugin',
        'test/support/broken-adapters.ts',
        '--adapter',
        'fake-drops-host-errors',
        '--case',
        'properties.model.single',
        '--runs',
        '20',
        '--seed',
        '1',
      ],
      'property',
    );
    expect(result.reproduce).toContain('--seed 1 --runs 20');
    expect(rerunResults[0]).toMatchObject({ caseId: 'properties.model.single', status: 'fail' });
    expect(rerunResults[0].evidence.path).toBe(result.evidence.path);
    const replay = await shell(result.evidence.replay);
    expect(replay.stderr).not.toContain('unknown adapter');
    expect(replay.code, replay.stderr).toBe(1);
    expect(replay.stdout).toMatch(/^fail: /);
  });
});

describe('npx awc on a machine whose npx cache predates the launcher move', () => {
  // npx never re-links a cached project bin when package.json's "bin" changes: such a machine
  // runs harness/cli/awc.mjs for `npx awc` (a CI run failed with "awc: not found" that way).
  it('the old launcher path still runs awc', async () => {
    const r = await shell(`node harness/cli/awc.mjs --version`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
