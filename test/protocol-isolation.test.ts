/**
 * Crash isolation: adapters that die, hang, print garbage, answer the wrong id or send a 50 MB
 * line each give `error` with the reason and their stderr tail; the run goes on and the report
 * stays valid. Also a real agent killed with SIGKILL mid-call.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentBundle } from '../harness/protocol/agent-bundle.ts';
import { processAdapter } from '../harness/protocol/process-adapter.ts';
import { ROOT } from '../harness/paths.ts';
import { defineCase, call } from '../suites/define.ts';
import { expectOk } from '../harness/check.ts';
import { i32 } from '../harness/values.ts';
import { ALL_CASES } from '../suites/index.ts';
import { reportErrors, runInTest } from './support/run.ts';

const SCRIPT = join(ROOT, 'test', 'support', 'misbehaving-adapter.mjs');
const misbehaving = (mode: string) => processAdapter({ id: `bad-${mode}`, resolve: async () => ({ command: [process.execPath, SCRIPT, mode] }) });
const twoCases = ALL_CASES.filter((c) => c.id === 'propagation.echo.i32.zero' || c.id === 'propagation.echo.i32.one');

describe('an adapter process that misbehaves during a call', () => {
  it.each([
    ['exit-mid-call', /adapter exited \(code 3\) with 1 request\(s\) in flight \(call\)/],
    ['garbage', /not JSON on stdout: "Segmentation fault/],
    ['wrong-id', /answered request id \d+, which is not in flight/],
    ['huge-line', /line longer than 16777216 bytes/],
    ['invalid-result', /result for call does not match the protocol/],
  ])('%s → error with the reason and stderr tail, and the next case still runs', async (mode, reason) => {
    const out = await runInTest([misbehaving(mode)], twoCases);
    expect(out.results.map((r) => r.status)).toEqual(['error', 'error']);
    for (const r of out.results) {
      expect(r.message).toMatch(reason);
      expect(r.message).toContain(`misbehaving adapter: mode ${mode}`);
      expect(r.evidence?.['stderrTail']).toContain('misbehaving adapter');
    }
  });

  it('never-answers → killed at the call deadline plus grace, reported as error', async () => {
    const hang = defineCase({
      id: 'propagation.test.hang',
      title: 'a call with a 200 ms deadline on an adapter that never answers',
      requirement: 'PROP-VALUE-I32',
      async run(ctx) {
        const instance = await ctx.instantiate('propagation/echo.wat');
        return expectOk(await call(instance, 'echo_i32', [i32(1)], ['i32'], 200), [i32(1)]);
      },
    });
    const t0 = performance.now();
    const out = await runInTest([misbehaving('never-answers')], [hang]);
    expect(out.results[0]!.status).toBe('error');
    expect(out.results[0]!.message).toMatch(/no response to call .* within 3200 ms: the adapter hangs/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('a protocol version mismatch makes the adapter unavailable with a clear reason', async () => {
    const out = await runInTest([misbehaving('bad-version')], twoCases.slice(0, 1));
    expect(out.results[0]!.status).toBe('unavailable');
    expect(out.results[0]!.message).toContain('protocol version mismatch: the harness speaks 1, the adapter 99');
  });

  it('a missing adapter binary makes the adapter unavailable, not passing', async () => {
    const ghost = processAdapter({ id: 'ghost', resolve: async () => ({ command: ['/nonexistent/awc-adapter'] }) });
    const out = await runInTest([ghost], twoCases.slice(0, 1));
    expect(out.results[0]!.status).toBe('unavailable');
    expect(out.results[0]!.message).toContain('ENOENT');
  });
});

describe('a real agent killed with SIGKILL mid-call', () => {
  it('gives error for the case in flight, restarts for the next case, and the report is valid', async () => {
    const marker = `awc-kill-test-${process.pid}-${Date.now()}`;
    const agent = processAdapter({
      id: 'node24-kill-test',
      resolve: async () => ({ command: [process.execPath, await agentBundle(), '--strategy', 'jspi', '--marker', marker] }),
    });
    const victim = defineCase({
      id: 'suspension.test.killed',
      title: 'sleep(5000), while the test kills the adapter process',
      requirement: 'SUSP-SLEEP',
      async run(ctx) {
        const instance = await ctx.instantiate('suspension/state.wat');
        setTimeout(() => execFileSync('pkill', ['-KILL', '-f', marker]), 300);
        return expectOk(await call(instance, 'sleep_then', [i32(5000), i32(1)], ['i32']), [i32(1)]);
      },
    });
    const after = ALL_CASES.find((c) => c.id === 'propagation.echo.i32.max')!;
    const out = await runInTest([agent], [victim, after]);
    expect(out.results.map((r) => r.status)).toEqual(['error', 'pass']);
    expect(out.results[0]!.message).toMatch(/adapter exited \(signal SIGKILL\) with 1 request\(s\) in flight \(call\)/);
    expect(reportErrors(out)).toEqual([]);
  });
});
