/** Spawning the real `awc` (pinned Node: the one running vitest) and reading what it said. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../harness/paths.ts';

const exec = promisify(execFile);
export const AWC = join(ROOT, 'bin', 'awc.mjs');

export interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** PATH with the pinned node (and node_modules/.bin, for `npx awc`) first. */
export const PINNED_PATH = [dirname(process.execPath), join(ROOT, 'node_modules', '.bin'), process.env['PATH'] ?? ''].join(':');

async function settle(p: Promise<{ stdout: string; stderr: string }>): Promise<Exit> {
  try {
    const { stdout, stderr } = await p;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number | string; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

/** `opts.checkout`: run the awc of another checkout (a copy) instead of this one. */
export function awc(args: string[], opts: { cwd?: string; env?: Record<string, string>; checkout?: string } = {}): Promise<Exit> {
  const script = opts.checkout ? join(opts.checkout, 'bin', 'awc.mjs') : AWC;
  return settle(
    exec(process.execPath, [script, ...args], {
      cwd: opts.cwd ?? ROOT,
      timeout: 120_000,
      maxBuffer: 16 << 20,
      env: { ...process.env, NO_COLOR: '1', PATH: PINNED_PATH, ...opts.env },
    }),
  );
}

/** Runs a command line through /bin/sh, as a user pasting it would. */
export function shell(line: string, opts: { cwd?: string } = {}): Promise<Exit> {
  return settle(
    exec('/bin/sh', ['-c', line], { cwd: opts.cwd ?? ROOT, timeout: 120_000, maxBuffer: 16 << 20, env: { ...process.env, NO_COLOR: '1', PATH: PINNED_PATH } }),
  );
}

/** A usage error as the README promises it: exit 2, one line on stderr, no stack trace, nothing on stdout. */
export function expectUsageError(r: Exit, mention?: string | RegExp): void {
  const lines = r.stderr.trimEnd().split('\n');
  const problem = `exit ${r.code}, stderr:\n${r.stderr}\nstdout:\n${r.stdout}`;
  if (r.code !== 2) throw new Error(`expected exit 2, got ${problem}`);
  if (lines.length !== 1 || lines[0] === '') throw new Error(`expected one line on stderr, got ${problem}`);
  if (/\n\s+at /.test(r.stderr) || /internal error/.test(r.stderr)) throw new Error(`stack trace or internal error: ${problem}`);
  if (mention !== undefined && !(typeof mention === 'string' ? r.stderr.includes(mention) : mention.test(r.stderr)))
    throw new Error(`stderr does not mention ${String(mention)}: ${problem}`);
}
