/**
 * Signals (issue 14.3): SIGTERM, SIGHUP and a double Ctrl-C during `awc run` write the report
 * (finished cases kept, the rest `skipped`), remove the data directory, leave no adapter process
 * (not even one that ignores EOF) and exit with 128 + the signal's number. `awc smoke` and
 * `awc bench` under SIGTERM leave no process either.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from './support/temp-dir.ts';
import { agentBundle } from '../harness/protocol/agent-bundle.ts';
import { ECHO, ECHO_CASES, faultAdapterCommand, leftover, runAwc, until, type Spawned } from './support/processes.ts';

const dir = await fileTempDir('awc-signals-');
const agent = await agentBundle();

interface Interrupted {
  run: Spawned;
  /** ms from the last signal to the exit. */
  afterSignalMs: number;
  left: number[];
  tempLeft: string[];
  work: string;
}

/**
 * Starts `awc <args>` with the fault adapter (`--adapter-cmd fault=…` appended), waits until the
 * fault fired (or `ready` holds), then sends `signals` 300 ms apart.
 */
async function interrupt(
  name: string,
  args: string[],
  fault: { fault: string; call: number; once?: boolean },
  signals: NodeJS.Signals[],
  ready?: (work: string, output: string) => boolean,
): Promise<Interrupted> {
  const work = join(dir, name);
  const tmp = join(work, 'tmp');
  await mkdir(tmp, { recursive: true });
  const tag = `AWC_SIGNAL_TEST_${randomBytes(6).toString('hex')}`;
  const command = faultAdapterCommand({ agent, ...fault, pids: join(work, 'pids'), ...(fault.once === false ? {} : { state: join(work, 'fired') }) });
  let signalledAt = 0;
  const run = await runAwc([...args, '--adapter-cmd', `fault=${command}`], {
    env: { [tag]: '1', TMPDIR: tmp },
    timeoutMs: 150_000,
    during: (child, output) => {
      void (async () => {
        await until(() => (ready ? ready(work, output()) : existsSync(join(work, 'fired'))));
        for (const [i, s] of signals.entries()) {
          if (i > 0) await new Promise((r) => setTimeout(r, 300));
          signalledAt = performance.now();
          child.kill(s);
        }
      })();
    },
  });
  return { run, afterSignalMs: performance.now() - signalledAt, left: await leftover(tag), tempLeft: await readdir(tmp), work };
}

async function reportOf(work: string) {
  return JSON.parse(await readFile(join(work, 'report.json'), 'utf8')) as { results: { caseId: string; status: string; message?: string }[]; summary: unknown };
}

describe('awc run under signals', () => {
  // Case 2 hangs (its call has a 10 s deadline): only a cut ends it early.
  const runArgs = (name: string) => ['run', '--adapter', 'fault', '--case', ECHO, '--out', join(dir, name, 'report.json')];
  const interruptedStatuses = ECHO_CASES.map((id, i) => [id, i === 0 ? 'pass' : 'skipped']);

  it('SIGTERM: the case in flight is cut, the report is written, no data directory and no process left, exit 143', async () => {
    const r = await interrupt('sigterm', runArgs('sigterm'), { fault: 'hang', call: 2 }, ['SIGTERM']);
    expect(r.run.code).toBe(143);
    expect(r.afterSignalMs).toBeLessThan(10_000); // not the 13 s the hung call would take
    const report = await reportOf(r.work);
    expect(report.results.map((x) => [x.caseId, x.status])).toEqual(interruptedStatuses);
    expect(report.results[1]!.message).toContain('cut short');
    expect((await runAwc(['validate', join(r.work, 'report.json')])).code).toBe(0);
    expect(r.tempLeft).toEqual([]);
    expect(r.left).toEqual([]);
  }, 200_000);

  it('Ctrl-C twice: the second cuts the case in flight, and still the report is written and nothing is left, exit 130', async () => {
    const r = await interrupt('double-sigint', runArgs('double-sigint'), { fault: 'hang', call: 2 }, ['SIGINT', 'SIGINT']);
    expect(r.run.code).toBe(130);
    expect(r.run.stderr).toContain('finishing the current case');
    expect(r.afterSignalMs).toBeLessThan(10_000);
    const report = await reportOf(r.work);
    expect(report.results.map((x) => [x.caseId, x.status])).toEqual(interruptedStatuses);
    expect((await runAwc(['validate', join(r.work, 'report.json')])).code).toBe(0);
    expect(r.tempLeft).toEqual([]);
    expect(r.left).toEqual([]);
  }, 200_000);

  it('SIGHUP with an adapter that ignores EOF and close: it is killed, not orphaned; report written, exit 129', async () => {
    const r = await interrupt('sighup', runArgs('sighup'), { fault: 'hang-ignoring-eof', call: 2 }, ['SIGHUP']);
    expect(r.run.code).toBe(129);
    const report = await reportOf(r.work);
    expect(report.results.map((x) => [x.caseId, x.status])).toEqual(interruptedStatuses);
    expect(r.tempLeft).toEqual([]);
    expect(r.left).toEqual([]);
  }, 200_000);
});

describe('awc smoke, bench, replay and adapters under SIGTERM', () => {
  it('replay: an adapter hanging in a call and ignoring EOF is killed, the data directory removed, exit 143', async () => {
    const r = await interrupt(
      'replay',
      ['replay', '--adapter', 'fault', '--property', 'properties.model.single', '--seed', '1', '--path', '0'],
      { fault: 'hang-ignoring-eof', call: 1 },
      ['SIGTERM'],
    );
    expect(r.run.code).toBe(143);
    expect(r.tempLeft).toEqual([]);
    expect(r.left).toEqual([]);
  }, 200_000);

  it('adapters: an adapter that never finishes its hello and ignores EOF is killed, exit 143', async () => {
    const r = await interrupt('adapters', ['adapters'], { fault: 'hang-ignoring-eof', call: 0, once: false }, ['SIGTERM'], (work) =>
      existsSync(join(work, 'pids')),
    );
    expect(r.run.code).toBe(143);
    expect(r.left).toEqual([]);
  }, 200_000);

  it('smoke: an adapter hanging in a call and ignoring EOF is killed, exit 143', async () => {
    const r = await interrupt('smoke', ['smoke', '--adapter', 'fault'], { fault: 'hang-ignoring-eof', call: 1 }, ['SIGTERM']);
    expect(r.run.code).toBe(143);
    expect(r.run.stdout).toContain('hello: handshake'); // steps are printed as they finish
    expect(r.left).toEqual([]);
  }, 200_000);

  it('bench: an adapter that ignores EOF, measuring, is killed, exit 143', async () => {
    const started = (work: string) => existsSync(join(work, 'pids')) && readFileSync(join(work, 'pids'), 'utf8').trim().split('\n').length >= 4;
    const r = await interrupt(
      'bench',
      ['bench', '--adapter', 'fault', '--benchmark', 'overhead.sleep-1ms', '--time-budget', '30', '--repeat', '1', '--out', join(dir, 'bench', 'bench.json')],
      { fault: 'ignore-eof', call: 0, once: false },
      ['SIGTERM'],
      (work) => started(work),
    );
    expect(r.run.code).toBe(143);
    expect(r.left).toEqual([]);
  }, 200_000);
});
