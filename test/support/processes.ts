/** Finding processes a test's subject left behind (Linux /proc), and running the awc CLI as a child. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../harness/paths.ts';

export const AWC = join(ROOT, 'bin', 'awc.mjs');

function liveState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X' ? undefined : state;
  } catch {
    return undefined;
  }
}

/** Live (not zombie) processes whose environment has the variable `name`. */
export function processesWithEnv(name: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const env = readFileSync(`/proc/${pid}/environ`);
      const at = env.indexOf(`${name}=`);
      if ((at === 0 || (at > 0 && env[at - 1] === 0)) && liveState(pid)) found.push(pid);
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/** Waits (bounded) until no live process carries `name`; returns the ones still there. */
export async function leftover(name: string, withinMs = 3_000): Promise<number[]> {
  const until = performance.now() + withinMs;
  let left = processesWithEnv(name);
  while (left.length > 0 && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    left = processesWithEnv(name);
  }
  return left;
}

export interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the awc CLI; `during` gets the child while it runs (to send signals). Bounded by
 * `timeoutMs` (then SIGKILL, and the test fails on the exit code).
 */
export function runAwc(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; during?: (child: ReturnType<typeof spawn>, output: () => string) => void } = {},
): Promise<Spawned> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [AWC, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  options.during?.(child, () => stderr + stdout);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

export const FAULT_ADAPTER = join(ROOT, 'test', 'support', 'fault-adapter.mjs');

/** The fault adapter's command line (test/support/fault-adapter.mjs): one fault on call `call`, once per run when `state` is given. */
export function faultAdapterCommand(o: { agent: string; fault: string; call: number; state?: string; pids?: string }): string {
  return [
    process.execPath,
    FAULT_ADAPTER,
    '--agent',
    o.agent,
    '--fault',
    o.fault,
    '--call',
    String(o.call),
    ...(o.state ? ['--state', o.state] : []),
    ...(o.pids ? ['--pids', o.pids] : []),
  ].join(' ');
}

/** Resolves once `check` is true (polled every 20 ms), or after `withinMs` anyway. */
export async function until(check: () => boolean, withinMs = 30_000): Promise<void> {
  const end = performance.now() + withinMs;
  while (!check() && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
}

/** The five i32 echo cases: quick, and every row passes them. */
export const ECHO = 'propagation.echo.i32.*';
export const ECHO_CASES = [
  'propagation.echo.i32.zero',
  'propagation.echo.i32.one',
  'propagation.echo.i32.minus-one',
  'propagation.echo.i32.max',
  'propagation.echo.i32.min',
];
