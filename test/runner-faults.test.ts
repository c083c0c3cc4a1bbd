/**
 * The runner owns every promise a case starts (issue 13.12): an adapter process that dies with
 * two calls in flight gives that case `error` and a valid report, and no rejection escapes; an
 * unhandled rejection a case leaves behind becomes that case's `error`, charged to the right
 * case even with adapters running in parallel; a process failure after the case had its
 * verdict (a duplicate answer) still makes the case `error`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import type { Adapter } from '../harness/adapter.ts';
import type { Case } from '../harness/case.ts';
import { expectOk, pass } from '../harness/check.ts';
import { startLoopbackServer } from '../harness/env/http-server.ts';
import { plainEvidence, runCases } from '../harness/runner.ts';
import { agentBundle } from '../harness/protocol/agent-bundle.ts';
import { processAdapter } from '../harness/protocol/process-adapter.ts';
import { i32 } from '../harness/values.ts';
import { call, defineCase, delay } from '../suites/define.ts';
import { ALL_CASES } from '../suites/index.ts';
import { faultAdapterCommand } from './support/processes.ts';
import { reportErrors, runInTest } from './support/run.ts';

let escaped: unknown[] = [];
const spy = (reason: unknown) => escaped.push(reason);
let dir: string;
beforeEach(async () => {
  escaped = [];
  process.on('unhandledRejection', spy);
  dir = await mkdtemp(join(tmpdir(), 'awc-runner-faults-'));
});
afterEach(async () => {
  process.off('unhandledRejection', spy);
  await rm(dir, { recursive: true, force: true });
});

const faulty = async (fault: string, call: number) => {
  const [program = '', ...args] = faultAdapterCommand({ agent: await agentBundle(), fault, call, state: join(dir, 'fired') }).split(' ');
  return processAdapter({ id: `fault-${fault}`, resolve: async () => ({ command: [program, ...args] }) });
};

describe('an adapter process that dies with two calls in flight', () => {
  it('concurrency.reentrancy.declared-policy: error for the case, a valid report, no rejection escapes', async () => {
    const reentrancy = ALL_CASES.find((c) => c.id === 'concurrency.reentrancy.declared-policy')!;
    const after = ALL_CASES.find((c) => c.id === 'propagation.echo.i32.max')!;
    const out = await runInTest([await faulty('exit-two-in-flight', 1)], [reentrancy, after]);
    expect(out.results.map((r) => r.status)).toEqual(['error', 'pass']);
    expect(out.results[0]!.message).toMatch(/adapter exited \(code 3\) with 2 request\(s\) in flight \(call\)/);
    expect(reportErrors(out)).toEqual([]);
    // Rejections surface after the turn that caused them.
    await delay(700);
    expect(escaped).toEqual([]);
  }, 120_000);
});

describe('failures beside a case verdict', () => {
  it('a duplicate answer that arrives with the case passing: the case is error, the reason named', async () => {
    const cases = ALL_CASES.filter((c) => c.id === 'propagation.echo.i32.zero' || c.id === 'propagation.echo.i32.one');
    const out = await runInTest([await faulty('duplicate-id', 1)], cases);
    expect(out.results.map((r) => r.status)).toEqual(['error', 'pass']);
    expect(out.results[0]!.message).toMatch(
      /the adapter process failed during the case: the adapter answered request id \d+ a second time \(a duplicate answer\)/,
    );
    expect(out.results[0]!.message).toContain('its own verdict was pass');
    expect(String(out.results[0]!.evidence?.['stderrTail'])).toContain('fault-adapter: injecting duplicate-id');
  }, 120_000);

  it("an unhandled rejection a case leaves behind is that case's error, with two adapters running in parallel", async () => {
    const leaky = defineCase({
      id: 'propagation.test.leaky',
      title: 'on node-jspi-twin only, starts a promise that rejects and is never awaited',
      requirement: 'PROP-VALUE-I32',
      async run(ctx) {
        const instance = await ctx.instantiate('propagation/echo.wat');
        if (ctx.adapter.id === 'node-jspi-twin') setTimeout(() => void Promise.reject(new Error('leaked on purpose')), 20);
        // Both adapters are inside this case at the same time.
        await delay(300);
        return expectOk(await call(instance, 'echo_i32', [i32(1)], ['i32']), [i32(1)]);
      },
    });
    const quiet = defineCase({ id: 'propagation.test.quiet', title: 'passes', requirement: 'PROP-VALUE-I32', run: async () => pass() });
    // node-jspi under a second id: two adapters inside the same case at once.
    const twin: Adapter = { ...nodeJspi, id: 'node-jspi-twin', describe: async () => ({ ...(await nodeJspi.describe()), id: 'node-jspi-twin' }) };
    const out = await runInTestParallel([nodeJspi, twin], [leaky, quiet]);
    const status = Object.fromEntries(out.results.map((r) => [`${r.adapterId} ${r.caseId}`, r.status]));
    expect(status).toEqual({
      'node-jspi propagation.test.leaky': 'pass',
      'node-jspi propagation.test.quiet': 'pass',
      'node-jspi-twin propagation.test.leaky': 'error',
      'node-jspi-twin propagation.test.quiet': 'pass',
    });
    const hit = out.results.find((r) => r.adapterId === 'node-jspi-twin' && r.caseId === 'propagation.test.leaky')!;
    expect(hit.message).toContain('a promise the case started was rejected and never handled: Error: leaked on purpose');
  }, 120_000);
});

/** Two adapters at once (jobs 2), no known failures. */
async function runInTestParallel(adapters: Adapter[], cases: Case[]) {
  const server = await startLoopbackServer();
  try {
    return await runCases({
      adapters,
      cases,
      jobs: 2,
      caseTimeoutMs: 60_000,
      env: { httpOrigin: server.origin, httpRequests: server.requests, dataDir: dir },
      expectationsFor: async (adapter) => ({ adapter, knownFailures: [] }),
    });
  } finally {
    await server.close();
  }
}

describe('evidence a case gets wrong', () => {
  it('a cycle, a bigint or a function in evidence is kept as plain data, not a crash', () => {
    const cyclic: Record<string, unknown> = { a: 1, big: 12n, fn: () => 1, list: [1n, undefined] };
    cyclic['self'] = cyclic;
    const shared = { x: 1 };
    expect(plainEvidence({ cyclic, twice: [shared, shared] })).toEqual({
      cyclic: { a: 1, big: '12', list: ['1', null], self: '[circular]' },
      twice: [{ x: 1 }, { x: 1 }],
    });
  });
});
