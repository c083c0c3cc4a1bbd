/**
 * Components: the guest component builds with jco's API, the jco strategy runs it, and the
 * component cases pass where jco is right and fail where it is not (so each can fail).
 */
import { describe, expect, it } from 'vitest';
import { ASYNC_HOST_FUNCTIONS, transpileComponent } from '../adapters/js/jco/transpile.ts';
import type { Adapter, Instance } from '../harness/adapter.ts';
import { jcoVersion, loadComponentFixture } from '../harness/components.ts';
import type { Outcome } from '../harness/outcome.ts';
import { ALL_CASES } from '../suites/index.ts';
import { wasmtimeComponentRow } from '../adapters/wasmtime/row.ts';
import { smoke } from '../harness/protocol/smoke.ts';
import { anyOrigin, laxPaths } from './support/broken-adapters.ts';
import { jcoInProcess } from './support/broken-cma.ts';
import { runInTest } from './support/run.ts';
import { needInCI } from './support/ci.ts';

const inProcessJco = jcoInProcess('test-jco-jspi');

/** The in-process jco adapter with every call outcome passed through `defect`. */
function broken(id: string, defect: (name: string, o: Outcome) => Outcome): Adapter {
  return jcoInProcess(id, {
    instance: (i: Instance): Instance => ({
      call: async (n, a, o) => defect(n, await i.call(n, a, o)),
      inspect: () => i.inspect(),
      openGate: (g, v) => i.openGate(g, v),
      dispose: () => i.dispose(),
    }),
  });
}

const componentCases = ALL_CASES.filter((c) => c.requires.includes('components'));

/** The four jco 1.35.0 defects (adapters/expectations/*-jco-jspi.json). */
const JCO_DEFECTS = [
  'suspension.component.undeclared-async',
  'cancellation.component.awaiting-gate',
  'cancellation.component.deadline-settles',
  'cancellation.component.after-cancel',
];

// Needs `npm run build:wasmtime` (CI builds it before `npm test`); skipped, and said so, without it — except in CI.
const wasmtime = await wasmtimeComponentRow.describe();
const haveWasmtime = needInCI('wasmtime-component', wasmtime.available, wasmtime.reason ?? 'unavailable');

describe('components', () => {
  it('builds the guest component with the pinned jco and transpiles it both ways', async () => {
    const bytes = await loadComponentFixture('components/guest.wat');
    expect([...bytes.subarray(0, 8)]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]); // component layer
    const [jspi, sync] = await Promise.all([transpileComponent(bytes, 'jspi'), transpileComponent(bytes, 'sync')]);
    // The async host functions are the ones jco wraps for suspension; the sync transpile wraps none.
    const suspending = (glue: string) => glue.split('manuallyAsync = true').length - 1;
    expect([suspending(jspi.glue), suspending(sync.glue)]).toEqual([ASYNC_HOST_FUNCTIONS.length, 0]);
    expect(jspi.transform.name).toContain(`jco ${await jcoVersion()}`);
    expect(jspi.transform.transformedBytes).toBeGreaterThan(bytes.length);
  });

  it('passes every component case but the known jco defects, which fail with the reason visible', async () => {
    const out = await runInTest([inProcessJco], componentCases);
    const failed = out.results
      .filter((r) => r.status !== 'pass' && r.status !== 'unsupported')
      .map((r) => r.caseId)
      .sort();
    expect(failed).toEqual([...JCO_DEFECTS].sort());
    // jco enforces neither fuel nor memory limits, and says so.
    expect(
      out.results
        .filter((r) => r.status === 'unsupported')
        .map((r) => r.caseId)
        .sort(),
    ).toEqual(['limits.component.fuel', 'limits.component.memory']);
    expect(out.results.find((r) => r.caseId === 'suspension.component.undeclared-async')!.message).toContain('made-up value');
    expect(out.results.find((r) => r.caseId === 'cancellation.component.awaiting-gate')!.message).toContain('NeverSettled');
    expect(out.adapters[0]!.transforms?.[0]?.name).toContain('jco');
  }, 60_000);

  it('catches a binding that corrupts strings, swallows error results or mangles i64', async () => {
    const corrupt = broken('broken-jco', (name, o) => {
      if (o.kind === 'host-error') return { kind: 'ok', values: [{ type: 'i32', value: 0 }] };
      if (o.kind === 'ok' && o.values[0]?.type === 'i64' && name !== 'echo-s64')
        return { kind: 'ok', values: [{ type: 'i64', value: o.values[0].value ^ 1n }] };
      if (o.kind === 'ok' && name === 'echo-s64')
        return { kind: 'ok', values: [{ type: 'i64', value: BigInt.asIntN(64, (o.values[0]!.value as bigint) + 1n) }] };
      return o;
    });
    const wanted = ['propagation.component.string', 'propagation.component.list', 'propagation.component.error-result', 'propagation.component.echo-s64'];
    const out = await runInTest(
      [corrupt],
      componentCases.filter((c) => wanted.includes(c.id)),
    );
    expect(out.results.map((r) => [r.caseId, r.status]).sort()).toEqual(wanted.map((id) => [id, 'fail']).sort());
  }, 30_000);

  it('catches a host that lets .. out of the mount or fetches ungranted origins through a component', async () => {
    const capabilityCases = componentCases.filter((c) => c.id.startsWith('capabilities.component.'));
    const out = await runInTest(
      [jcoInProcess('broken-lax-paths', { policy: laxPaths }), jcoInProcess('broken-any-origin', { policy: anyOrigin })],
      capabilityCases,
    );
    const failing = (id: string) =>
      out.results
        .filter((r) => r.adapterId === id && r.status !== 'pass')
        .map((r) => r.caseId)
        .sort();
    // laxPaths also ignores the allow list, so the exact-file grant fails too.
    expect(failing('broken-lax-paths')).toEqual(['capabilities.component.grant-file', 'capabilities.component.traversal']);
    expect(failing('broken-any-origin')).toEqual(['capabilities.component.no-grants', 'capabilities.component.origin']);
  }, 30_000);

  it.skipIf(!haveWasmtime)(
    'wasmtime-component passes every component case and the smoke steps, and refuses core modules',
    async () => {
      expect(wasmtime.features).toMatchObject({ components: true, coreModules: false, postCancel: 'refused', reentrancy: 'serialise' });
      const out = await runInTest([wasmtimeComponentRow], componentCases);
      expect(out.results.filter((r) => r.status !== 'pass').map((r) => `${r.caseId}: ${r.status} ${r.message ?? ''}`)).toEqual([]);
      const afterCancel = out.results.find((r) => r.caseId === 'cancellation.component.after-cancel')!;
      expect(JSON.stringify(afterCancel.evidence)).toContain('cannot enter component instance');
      // awc smoke takes the component path for a components-only adapter, and every step holds.
      const steps = await smoke((wasmtime.process as { command: string[] }).command);
      expect(steps.filter((s) => !s.ok)).toEqual([]);
      expect(steps.map((s) => s.step).join('\n')).toContain('fail-with(7)');
      const session = await wasmtimeComponentRow.open({ httpOrigin: 'http://127.0.0.1:9' });
      try {
        await expect(session.load(await loadComponentFixture('components/guest.wat'), 'core?')).rejects.toThrow(/loads components only/);
      } finally {
        await session.close();
      }
    },
    60_000,
  );
});
