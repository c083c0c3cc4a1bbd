/**
 * Where compiled fixtures, components and the JS agent bundle are cached: <checkout>/.cache (an
 * installed package: $XDG_CACHE_HOME/awc, else ~/.cache/awc), or $AWC_CACHE_DIR when set. When that cannot be written (a read-only checkout, an installed
 * package), a private directory in the OS temp dir is used instead, and `note` says so: a
 * cache is an optimisation, and an unwritable one must not turn into failing cases.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirsSync } from './files.ts';
import { IS_INSTALLED, ROOT, USER_CACHE_DIR } from './paths.ts';

let chosen: { dir: string; note?: string } | undefined;

function writable(dir: string): string | undefined {
  try {
    makeDirsSync(dir);
    const probe = join(dir, `.probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

/** A temp-dir cache only this user can write (another user's directory of that name could hold planted binaries). */
function privateTempCache(): string {
  const uid = process.getuid?.() ?? 'user';
  // One per user and checkout.
  const dir = join(tmpdir(), `awc-cache-${uid}-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (st.isDirectory() && (process.getuid === undefined || st.uid === process.getuid()) && (st.mode & 0o077) === 0 && writable(dir) === undefined) return dir;
  } catch {
    // fall through to a fresh directory
  }
  return mkdtempSync(join(tmpdir(), 'awc-cache-'));
}

/** The cache root, chosen once per process. */
export function cacheRoot(): { dir: string; note?: string } {
  if (chosen) return chosen;
  const wanted = process.env['AWC_CACHE_DIR'] || (IS_INSTALLED ? USER_CACHE_DIR : join(ROOT, '.cache'));
  const problem = writable(wanted);
  if (problem === undefined) {
    chosen = { dir: wanted };
    return chosen;
  }
  const dir = privateTempCache();
  chosen = { dir, note: `note: the cache ${wanted} cannot be written (${problem}); caching compiled fixtures in ${dir} instead` };
  return chosen;
}

/** A subdirectory of the cache root (fixtures, components, agent). */
export const cacheDir = (name: string): string => join(cacheRoot().dir, name);
