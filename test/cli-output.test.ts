/**
 * Output paths of every command (issue 14, defects 4, 5, 12): an unwritable path is one line
 * and exit 2 before any work; results finished before a late write failure are never lost;
 * no stray temporary file stays behind. And a read-only checkout still runs.
 */
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../harness/paths.ts';
import { validateReport } from '../harness/report/validate.ts';
import { awc, expectUsageError, type Exit } from './support/awc.ts';

const SELECT = ['--case', 'propagation.echo.i32.zero'];
const isRoot = process.getuid?.() === 0;

let dir: string;
let good: string;
let aFile: string;
let aDir: string;
let readOnly: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'awc-cli-output-'));
  good = join(dir, 'good.json');
  const r = await awc(['run', ...SELECT, '--out', good]);
  expect(r.code, r.stderr).toBe(0);
  aFile = join(dir, 'a-file');
  await writeFile(aFile, 'x');
  aDir = join(dir, 'a-dir');
  await mkdir(aDir);
  readOnly = join(dir, 'read-only');
  await mkdir(readOnly);
  await chmod(readOnly, 0o555);
});
afterAll(async () => {
  await chmod(readOnly, 0o755).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

/** Paths no process can write (whoever it runs as), each with what the message should say. */
const unwritable = () => [
  { path: aDir, why: 'directory' },
  { path: join(aFile, 'out.json'), why: 'a-file' },
  { path: '/proc/awc-no-such/out.json', why: '/proc' },
  { path: '/proc/out.json', why: '/proc' },
];

async function strayFiles(): Promise<string[]> {
  const names = [...(await readdir(dir)), ...(await readdir(aDir)).map((n) => `a-dir/${n}`)];
  return names.filter((n) => /\.tmp$|\.probe|\.invalid\.json$/.test(n));
}

function expectEarly(r: Exit, argv: string[], mention: string): void {
  try {
    expectUsageError(r, mention);
    expect(r.stderr).not.toMatch(/awc (run|bench):|\[1\//);
  } catch (err) {
    throw new Error(`awc ${argv.join(' ')}: ${(err as Error).message}`);
  }
}

async function allEarly(cases: [string[], string][]): Promise<void> {
  const results = await Promise.all(cases.map(([argv]) => awc(argv)));
  for (const [i, r] of results.entries()) expectEarly(r, cases[i]![0], cases[i]![1]);
  expect(await strayFiles()).toEqual([]);
}

describe('awc run --out / --format (defect 4)', () => {
  it('an unwritable --out is exit 2 with one line before the first case', async () => {
    await allEarly([
      ...unwritable().map(({ path, why }): [string[], string] => [['run', ...SELECT, '--out', path], why]),
      [['run', ...SELECT, '--out', ''], '--out'],
    ]);
  });

  it.skipIf(isRoot)('a read-only directory (not testable as root: root writes anyway)', async () => {
    await allEarly([[['run', ...SELECT, '--out', join(readOnly, 'out.json')], 'read-only']]);
  });

  it('a side file of --format that cannot be written is found before the first case too', async () => {
    await mkdir(join(dir, 'side.html'));
    await mkdir(join(dir, 'side.junit.xml'));
    await allEarly([
      [['run', ...SELECT, '--out', join(dir, 'side.json'), '--format', 'html'], 'side.html'],
      [['run', ...SELECT, '--out', join(dir, 'side.json'), '--format', 'md,junit'], 'side.junit.xml'],
    ]);
  });

  it('awc bench checks --out before measuring', async () => {
    await allEarly([[['bench', '--benchmark', 'overhead.async-ready', '--out', join(aFile, 'b.json')], 'a-file']]);
  });

  it('when the output directory vanishes during the run, the report is written somewhere safe and named', async () => {
    const outDir = join(dir, 'vanishing');
    await mkdir(outDir);
    const r = await awc(
      [
        'run',
        '--plugin',
        join(ROOT, 'test', 'support', 'broken-cli.ts'),
        '--adapter',
        'sabotages-output-dir',
        ...SELECT,
        '--out',
        join(outDir, 'r.json'),
        '--format',
        'md',
      ],
      { env: { AWC_TEST_SABOTAGE: outDir } },
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const saved = /report saved to (\S+\.json)/.exec(r.stderr)?.[1];
    expect(saved, r.stderr).toBeDefined();
    const report = JSON.parse(await readFile(saved!, 'utf8'));
    expect(validateReport(report).valid).toBe(true);
    expect(report.results.map((x: { status: string }) => x.status)).toEqual(['pass']);
    await rm(dirname(saved!), { recursive: true, force: true });
  });
});

describe('merge, compare --format html, history add, report --out (defect 5)', () => {
  it('an unwritable output is exit 2 with one line and no temporary file', async () => {
    const cases: [string[], string][] = [];
    for (const { path, why } of unwritable()) {
      cases.push([['merge', good, '--out', path], why]);
      cases.push([['compare', good, good, '--format', 'html', '--out', path], why]);
      cases.push([['history', 'add', good, '--file', path], why]);
      cases.push([['report', good, '--format', 'md', '--out', path], why]);
    }
    cases.push(
      [['merge', good, '--out', ''], '--out'],
      [['history', 'add', good, '--file', ''], '--file'],
      [['report', good, '--format', 'junit', '--out', ''], '--out'],
    );
    await allEarly(cases);
  });
});

describe('a read-only checkout without .cache (defect 12)', () => {
  it('runs, caching fixtures in the OS temp directory and saying so', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'awc-readonly-checkout-'));
    let tempCache: string | undefined;
    try {
      const { stdout } = await promisify(execFile)('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, maxBuffer: 16 << 20 });
      for (const file of stdout.split('\0').filter(Boolean)) await cp(join(ROOT, file), join(copy, file), { recursive: true }).catch(() => {});
      await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
      // Plain files where .cache and reports/out would go: no process, root included, can create them.
      await writeFile(join(copy, '.cache'), '');
      await rm(join(copy, 'reports', 'out'), { recursive: true, force: true });
      await writeFile(join(copy, 'reports', 'out'), '');
      if (!isRoot) await promisify(execFile)('chmod', ['-R', 'a-w', copy]);
      const out = join(dir, 'readonly-run.json');
      const r = await awc(['run', '--case', 'propagation.echo.i32.*', '--out', out], { cwd: copy, checkout: copy, env: { AWC_CACHE_DIR: '' } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/cache/i);
      expect(r.stderr).toContain(tmpdir());
      tempCache = /caching compiled fixtures in (\S+) instead/.exec(r.stderr)?.[1];
      expect(tempCache?.startsWith(tmpdir()), r.stderr).toBe(true);
      const report = JSON.parse(await readFile(out, 'utf8'));
      expect(report.results.every((x: { status: string }) => x.status === 'pass')).toBe(true);
      // Without --out, the default report path falls back to the temp dir too, and says where.
      const plain = await awc(['run', '--case', 'propagation.echo.i32.zero'], { cwd: copy, checkout: copy, env: { AWC_CACHE_DIR: '' } });
      expect(plain.code, plain.stderr).toBe(0);
      const where = /^report: (.+)$/m.exec(plain.stderr)?.[1];
      expect(where?.startsWith(tmpdir()), plain.stderr).toBe(true);
      expect(validateReport(JSON.parse(await readFile(where!, 'utf8'))).valid).toBe(true);
      await rm(join(where!, '..'), { recursive: true, force: true });
    } finally {
      await promisify(execFile)('chmod', ['-R', 'u+w', copy]).catch(() => {});
      await rm(copy, { recursive: true, force: true });
      if (tempCache) await rm(tempCache, { recursive: true, force: true });
    }
  });
});

describe('terminal output', () => {
  it("never passes an adapter's control characters (terminal escapes) to the terminal", async () => {
    const plugin = join(ROOT, 'test', 'support', 'broken-cli.ts');
    const [run, list] = await Promise.all([
      awc(['run', '--plugin', plugin, '--adapter', 'hostile-terminal', ...SELECT, '--allow-unavailable', '--out', join(dir, 'hostile.json')]),
      awc(['adapters', '--plugin', plugin]),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(list.code, list.stderr).toBe(0);
    expect(run.stderr).toContain('missing');
    expect(list.stdout).toContain('hostile-terminal');
    for (const text of [run.stderr, list.stdout]) expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
