/**
 * The installable package end to end (issue 19): packs this checkout, installs the tarball into
 * an empty temporary directory as a runtime team would, and runs there `awc run` on the default
 * row, `awc run` and `awc smoke` on the JS agent under another Node given by --adapter-cmd,
 * `awc bench` and `awc report`. Checks that nothing is written below node_modules (the cache goes
 * to $XDG_CACHE_HOME/awc, reports to the working directory). Needs the npm registry (install).
 *
 *   npm run check:package        (CI runs it: .ci/run)
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, fs } from 'zx';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every file below `dir` with its size and mtime: what "nothing written" is checked against. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const st = statSync(file);
    out.set(file, `${st.size} ${st.mtimeMs}`);
  }
  return out;
}

/** A Node on PATH outside any node_modules (the machine's own), for "the agent under another Node". */
function systemNode(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && !dir.includes('node_modules') && existsSync(join(dir, 'node'))) return join(dir, 'node');
  }
  return undefined;
}

function fail(message: string): never {
  process.stderr.write(`check-package: ${message}\n`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'awc-package-'));
const user = join(work, 'user');
await fs.mkdir(user);
// The user's shell: this checkout's node_modules/.bin is not on their PATH.
const env = {
  ...process.env,
  PATH: (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((d) => !d.startsWith(ROOT))
    .join(delimiter),
  XDG_CACHE_HOME: join(work, 'cache'),
  AWC_CACHE_DIR: '',
  NO_COLOR: '1',
};
const inUser = $({ cwd: user, env, quiet: true, timeout: '600s' });

try {
  const packed = await $({ cwd: ROOT, quiet: true })`npm pack --pack-destination ${work}`;
  const tarball = join(work, packed.stdout.trim().split('\n').pop()!);
  process.stdout.write(`packed ${tarball}: ${(statSync(tarball).size / 1024).toFixed(0)} KiB\n`);

  await inUser`npm install --no-fund --no-audit ${tarball}`;
  const installed = join(user, 'node_modules', 'async-wasm-conformance');
  const before = snapshot(join(user, 'node_modules'));
  process.stdout.write(`installed into ${user}\n`);

  const steps: [string, () => Promise<unknown>][] = [
    ['awc run (default row, every suite)', () => inUser`npx awc run --quiet --out run.json`],
    ['awc validate', () => inUser`npx awc validate run.json`],
    ['awc report', () => inUser`npx awc report run.json --format html,md`],
    ['awc bench', () => inUser`npx awc bench --adapter node-jspi --benchmark async-ready --time-budget 0.2 --repeat 1 --out bench.json`],
  ];
  // A browser row: its bridge runs from the package's dist/ (bin/awc.mjs's reason, for a second process).
  steps.push(['awc run on chromium-jspi', () => inUser`npx awc run --adapter chromium-jspi --case ${'propagation.echo.i32.*'} --quiet --out browser.json`]);
  const other = systemNode();
  if (other) {
    const agent = (await inUser`npx awc agent`).stdout.trim();
    const spec = `x=${other} ${agent} --strategy asyncify`;
    // The user's own known failures for their row, kept in their repository (--expectations):
    // here node20-asyncify's list under the id x, as the agent under the system Node 20 is that row.
    await fs.mkdir(join(user, 'expectations'));
    const known = JSON.parse(readFileSync(join(installed, 'adapters', 'expectations', 'node20-asyncify.json'), 'utf8'));
    writeFileSync(join(user, 'expectations', 'x.json'), JSON.stringify({ ...known, adapter: 'x' }, null, 2));
    steps.push(
      ['awc smoke on the agent under the system Node', () => inUser`npx awc smoke --adapter-cmd ${spec} --adapter x`],
      [
        'awc run on the agent under the system Node',
        () => inUser`npx awc run --adapter-cmd ${spec} --adapter x --suite propagation --expectations expectations --quiet --out other.json`,
      ],
    );
  } else if (process.env['CI'] === 'true') fail('no system node on PATH for the --adapter-cmd step');

  for (const [name, step] of steps) {
    const t0 = performance.now();
    await step().catch((err: { exitCode?: number; stderr?: string }) => fail(`${name}: exit ${err.exitCode}\n${err.stderr ?? err}`));
    process.stdout.write(`ok  ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }

  const after = snapshot(join(user, 'node_modules'));
  const changed = [...after].filter(([f, v]) => before.get(f) !== v).map(([f]) => f);
  if (changed.length > 0) fail(`written below node_modules: ${changed.slice(0, 5).join(', ')}`);
  if (!existsSync(join(work, 'cache', 'awc'))) fail(`no cache at $XDG_CACHE_HOME/awc (${join(work, 'cache', 'awc')})`);
  for (const f of ['run.json', 'run.html', 'run.md', 'bench.json']) if (!existsSync(join(user, f))) fail(`${f} is missing in the working directory`);
  process.stdout.write(`ok  nothing written below node_modules (${after.size} files); cache in $XDG_CACHE_HOME/awc; ${installed}\n`);
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
