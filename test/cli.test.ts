/** The awc command line end to end: exit codes, report files, error messages. */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from './support/temp-dir.ts';
import { ROOT } from '../harness/paths.ts';
import { validateReport } from '../harness/report/validate.ts';

const run = promisify(execFile);
const AWC = join(ROOT, 'bin', 'awc.mjs');
const PLUGIN = join(ROOT, 'test', 'support', 'broken-adapters.ts');

async function awc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [AWC, ...args], { cwd: ROOT, timeout: 140_000, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const dir = await fileTempDir('awc-cli-test-');

describe('awc run', () => {
  it('exits 0 and writes a valid report when every MUST case passes', async () => {
    const out = join(dir, 'ok.json');
    const r = await awc('run', '--case', 'propagation.echo.i64.*', '--out', out);
    expect(r.stderr).toContain('pass');
    expect(r.code).toBe(0);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(validateReport(report).valid).toBe(true);
    expect(report.results.length).toBeGreaterThanOrEqual(6);
  });

  it('exits 1 when a MUST case fails on a broken adapter, and the report names it with a rerun command', async () => {
    const out = join(dir, 'broken.json');
    const r = await awc('run', '--plugin', PLUGIN, '--adapter', 'fake-off-by-one-i64', '--case', 'propagation.echo.i64.max', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 MUST case(s) failed');
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.results[0].status).toBe('fail');
    expect(report.results[0].reproduce).toContain('--case propagation.echo.i64.max');
  });

  it('exits 1 when the selected adapter is unavailable, unless --allow-unavailable', async () => {
    const base = ['run', '--plugin', PLUGIN, '--adapter', 'fake-missing', '--case', 'propagation.echo.i32.zero'];
    const strict = await awc(...base, '--out', join(dir, 'missing1.json'));
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('unavailable');
    const allowed = await awc(...base, '--allow-unavailable', '--out', join(dir, 'missing2.json'));
    expect(allowed.code).toBe(0);
  });

  it('exits 2 on an unknown adapter, suite or case pattern, listing what exists', async () => {
    const adapter = await awc('run', '--adapter', 'nope');
    expect(adapter.code).toBe(2);
    expect(adapter.stderr).toContain('known: node-jspi');
    const suite = await awc('run', '--suite', 'nope');
    expect(suite.code).toBe(2);
    expect(suite.stderr).toContain('known: propagation, suspension');
    const pattern = await awc('run', '--case', 'no.such.case');
    expect(pattern.code).toBe(2);
    expect((await awc('run', '--timeout', 'soon')).code).toBe(2);
  });
});

describe('awc validate', () => {
  it('exits 2 naming the field for a hand-corrupted report, 2 for non-JSON, 0 for a valid one', async () => {
    const good = join(dir, 'good.json');
    expect((await awc('run', '--case', 'propagation.echo.i32.*', '--out', good)).code).toBe(0);
    expect((await awc('validate', good)).code).toBe(0);

    const report = JSON.parse(await readFile(good, 'utf8'));
    delete report.machine;
    report.results[1].status = 'green';
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify(report));
    const r = await awc('validate', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing required field "machine"');
    expect(r.stderr).toContain('/results/1/status');

    const garbage = join(dir, 'garbage.json');
    await writeFile(garbage, '{"schemaVersion": ');
    const g = await awc('validate', garbage);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('is not JSON');
  });
});

describe('awc list and adapters', () => {
  it('lists every case with its requirement and level', async () => {
    const r = await awc('list', '--json');
    expect(r.code).toBe(0);
    const { cases } = JSON.parse(r.stdout);
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const c of cases) expect(c.requirement).toMatch(/^[A-Z]+-/);
  });

  it('describes node-jspi as available with its engine version', async () => {
    const r = await awc('adapters', '--json');
    expect(r.code).toBe(0);
    const [jspi] = JSON.parse(r.stdout);
    expect(jspi).toMatchObject({
      id: 'node-jspi',
      available: true,
      strategy: 'jspi',
      engine: { name: 'node', version: expect.stringContaining(process.versions.node) },
    });
    // Every row is described at once, the six browsers among them (hello may take up to 90 s
    // for those under load, adapters/browser/rows.ts): bounded above that.
  }, 150_000);
});
