/**
 * Fault injection (issue 14): a real, working adapter (test/support/fault-adapter.mjs, a proxy
 * in front of the JS agent) injects one fault on a call the test chooses, under the real CLI
 * (`awc run --adapter-cmd`). For every fault: the run completes, the report validates
 * (`awc validate`), exactly the case in flight is `error` with the reason and the adapter's
 * stderr tail, every other case passes, no temporary directory and no process is left.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from './support/temp-dir.ts';
import { agentBundle } from '../harness/protocol/agent-bundle.ts';
import { ECHO, ECHO_CASES, faultAdapterCommand, leftover, runAwc } from './support/processes.ts';

// The second case calls with deadline 100 ms, so a hang is noticed at 100 ms + 3 s.
const SHORT_DEADLINE = '{propagation.echo.i32.zero,cancellation.deadline.awaiting-gate,capabilities.deny.no-grants}';
const SHORT_DEADLINE_CASES = ['propagation.echo.i32.zero', 'cancellation.deadline.awaiting-gate', 'capabilities.deny.no-grants'];

const dir = await fileTempDir('awc-faults-');
const agent = await agentBundle();

interface FaultRun {
  code: number | null;
  stderr: string;
  report: { results: { caseId: string; status: string; message?: string; durationMs: number; evidence?: Record<string, unknown> }[] };
  validateCode: number | null;
  left: number[];
  tempLeft: string[];
  ms: number;
}

/** One `awc run` with the fault adapter; everything it starts carries a tag in its environment. */
async function runWithFault(fault: string, cases: string, call: number, name = fault): Promise<FaultRun> {
  const work = join(dir, name);
  const tmp = join(work, 'tmp');
  await mkdir(tmp, { recursive: true });
  const tag = `AWC_FAULT_TEST_${randomBytes(6).toString('hex')}`;
  const out = join(work, 'report.json');
  const command = faultAdapterCommand({ agent, fault, call, state: join(work, 'fired'), pids: join(work, 'pids') });
  const r = await runAwc(['run', '--adapter-cmd', `fault=${command}`, '--adapter', 'fault', '--case', cases, '--out', out], {
    env: { [tag]: '1', TMPDIR: tmp },
    timeoutMs: 150_000,
  });
  const report = JSON.parse(await readFile(out, 'utf8'));
  const validate = await runAwc(['validate', out]);
  return { code: r.code, stderr: r.stderr, report, validateCode: validate.code, left: await leftover(tag), tempLeft: await readdir(tmp), ms: r.ms };
}

const statuses = (run: FaultRun) => run.report.results.map((r) => [r.caseId, r.status]);

/** [fault, selection, cases, faulted call, index of the case in flight, reason] */
const FAULTS: [string, string, string[], number, number, RegExp][] = [
  ['exit-mid-call', ECHO, ECHO_CASES, 2, 1, /adapter exited \(code 3\) with 1 request\(s\) in flight \(call\)/],
  ['kill-9', ECHO, ECHO_CASES, 2, 1, /adapter exited \(signal SIGKILL\) with 1 request\(s\) in flight \(call\)/],
  ['hang', SHORT_DEADLINE, SHORT_DEADLINE_CASES, 2, 1, /no response to call \(request \d+\) within 3100 ms: the adapter hangs/],
  ['garbage', ECHO, ECHO_CASES, 2, 1, /not JSON on stdout: "Segmentation fault/],
  ['invalid-result', ECHO, ECHO_CASES, 2, 1, /the adapter's result for call does not match the protocol/],
  ['invalid-message', ECHO, ECHO_CASES, 2, 1, /the adapter sent an invalid message/],
  ['unknown-id', ECHO, ECHO_CASES, 2, 1, /answered request id \d+, which is not in flight/],
  ['duplicate-id', ECHO, ECHO_CASES, 2, 1, /answered request id \d+ a second time \(a duplicate answer\)/],
  ['huge-line', ECHO, ECHO_CASES, 2, 1, /a line longer than 16777216 bytes/],
  ['slow-drip', SHORT_DEADLINE, SHORT_DEADLINE_CASES, 2, 1, /no response to call \(request \d+\) within 3100 ms: the adapter hangs/],
  ['stderr-flood', ECHO, ECHO_CASES, 2, 1, /adapter exited \(code 3\) with 1 request\(s\) in flight \(call\)/],
  ['grandchild', ECHO, ECHO_CASES, 2, 1, /adapter exited \(code 3\) with 1 request\(s\) in flight \(call\)/],
  ['setsid-grandchild', ECHO, ECHO_CASES, 2, 1, /adapter exited \(code 3\) with 1 request\(s\) in flight \(call\)/],
  ['daemon', ECHO, ECHO_CASES, 2, 1, /adapter exited \(code 3\) with 1 request\(s\) in flight \(call\)/],
  ['closed-stdout', ECHO, ECHO_CASES, 2, 1, /the adapter closed its stdout with 1 request\(s\) in flight \(call\): it can no longer answer/],
  [
    'exit-two-in-flight',
    'concurrency.reentrancy.declared-policy',
    ['concurrency.reentrancy.declared-policy'],
    1,
    0,
    /adapter exited \(code 3\) with 2 request\(s\) in flight \(call\)/,
  ],
];

describe('one fault injected on one call', () => {
  it.each(FAULTS)(
    '%s: the run completes with a valid report, exactly the case in flight is error with reason and stderr tail, nothing is left',
    async (fault, selection, cases, call, index, reason) => {
      const run = await runWithFault(fault, selection, call);
      expect(run.stderr).not.toMatch(/internal error|unhandled promise rejection/);
      expect(run.code).toBe(1);
      expect(run.validateCode).toBe(0);
      expect(statuses(run)).toEqual(cases.map((id, i) => [id, i === index ? 'error' : 'pass']));
      const hit = run.report.results[index]!;
      expect(hit.message).toMatch(reason);
      expect(hit.message).toContain(`fault-adapter: injecting ${fault} on call`);
      expect(String(hit.evidence?.['stderrTail'])).toContain(`fault-adapter: injecting ${fault} on call`);
      expect(run.left).toEqual([]);
      expect(run.tempLeft).toEqual([]);
      if (fault === 'closed-stdout') expect(hit.durationMs).toBeLessThan(2_500); // not the 13 s request bound
      if (fault === 'stderr-flood') {
        // Only the last 8 KiB of the 16 MiB are kept, and they end with the adapter's last words.
        const tail = String(hit.evidence?.['stderrTail']);
        expect(tail.length).toBeLessThanOrEqual(8 * 1024);
        expect(tail).toContain('flood done, exiting');
      }
    },
    200_000,
  );
});

describe('faults that leave no case in error', () => {
  it('ignored EOF and ignored close: every case passes, the adapter is killed after the grace period, nothing is left', async () => {
    const run = await runWithFault('ignore-eof', ECHO, 1);
    expect(run.code).toBe(0);
    expect(run.validateCode).toBe(0);
    expect(statuses(run)).toEqual(ECHO_CASES.map((id) => [id, 'pass']));
    expect(run.left).toEqual([]);
  }, 200_000);

  it('an answer dripped one byte at a time is read correctly (control)', async () => {
    const run = await runWithFault('slow-answer', ECHO, 2);
    expect(run.code).toBe(0);
    expect(statuses(run)).toEqual(ECHO_CASES.map((id) => [id, 'pass']));
    expect(run.left).toEqual([]);
  }, 200_000);

  it('protocol version 2 in hello: the adapter is unavailable with the reason, the report is valid', async () => {
    const run = await runWithFault('version-2', ECHO, 1);
    expect(run.code).toBe(1);
    expect(run.validateCode).toBe(0);
    expect(statuses(run)).toEqual(ECHO_CASES.map((id) => [id, 'unavailable']));
    expect(run.report.results[0]!.message).toContain('protocol version mismatch: the harness speaks 1, the adapter 2');
    expect(run.left).toEqual([]);
  }, 200_000);
});
