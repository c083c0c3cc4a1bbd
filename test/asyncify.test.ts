/** The Asyncify strategy: instrumentation evidence, and the suites on the in-process node-asyncify row. */
import { describe, expect, it } from 'vitest';
import { nodeIO } from '../adapters/js/io/node.ts';
import { createJsSession } from '../adapters/js/session.ts';
import { ASYNCIFY_FEATURES, asyncify } from '../adapters/js/strategies/asyncify.ts';
import { nodeAsyncify } from '../adapters/node-asyncify/adapter.ts';
import type { Adapter } from '../harness/adapter.ts';
import { loadFixture } from '../harness/fixtures.ts';
import { ALL_CASES } from '../suites/index.ts';
import { runInTest } from './support/run.ts';

describe('asyncify strategy', () => {
  it('instruments at load time and reports original and transformed sizes', async () => {
    const session = await nodeAsyncify.open({ httpOrigin: 'http://127.0.0.1:9' });
    const wasm = await loadFixture('propagation/echo.wat');
    const handle = await session.load(wasm, 'propagation/echo.wat');
    expect(handle.transform).toMatchObject({ originalBytes: wasm.length });
    expect(handle.transform!.transformedBytes).toBeGreaterThan(wasm.length);
    expect(handle.transform!.name).toContain('secondary memory');
    await session.close();
  });

  it('passes suspension, cancellation and concurrency (incl. its declared interleave policy) like JSPI', async () => {
    const cases = ALL_CASES.filter((c) => ['suspension', 'cancellation', 'concurrency'].includes(c.suite) && !c.id.includes('sleep-64'));
    const out = await runInTest([nodeAsyncify], cases);
    const notPassing = out.results.filter((r) => r.status !== 'pass' && r.status !== 'unsupported');
    expect(notPassing.map((r) => `${r.caseId}: ${r.message}`)).toEqual([]);
    expect(out.results.find((r) => r.caseId === 'concurrency.reentrancy.declared-policy')?.status).toBe('pass');
  });

  it('catches a driver that lets a nested synchronous call unwind: the host function is replayed on resume', async () => {
    // What a driver without the guard does: the nested call unwinds into the outer call's state.
    const naive = { ...asyncify, callSync: (exported: Function, args: unknown[]) => exported(...args) };
    const broken: Adapter = {
      id: 'naive-asyncify',
      describe: async () => ({ ...(await nodeAsyncify.describe()), id: 'naive-asyncify', features: ASYNCIFY_FEATURES }),
      open: async () => createJsSession(naive, nodeIO),
    };
    const out = await runInTest(
      [broken],
      ALL_CASES.filter((c) => c.id === 'suspension.reenter.sync-suspends'),
    );
    expect(out.results[0]!.status).toBe('fail');
    expect(out.results[0]!.message).toMatch(/ran 2 times/);
  });
});
