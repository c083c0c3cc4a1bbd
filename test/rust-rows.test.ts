/**
 * The wasmer and wasmi rows (issue 18): two more async mechanisms on the shared Rust host —
 * wasmer's async host functions on a coroutine stack and wasmi's resumable calls. A handful of
 * representative cases per row (values across the async boundary, a suspension, a host error, a
 * cancel while parked on the host, a denial, a reentrant call), plus what each row declares.
 * Needs `npm run build:rust` (CI builds it before `npm test`); skipped, and said so, without it —
 * except in CI, where a missing binary fails.
 */
import { describe, expect, it } from 'vitest';
import { wasmerRow } from '../adapters/wasmer/row.ts';
import { wasmiRow } from '../adapters/wasmi/row.ts';
import type { Adapter } from '../harness/adapter.ts';
import { ALL_CASES } from '../suites/index.ts';
import { needInCI } from './support/ci.ts';
import { runInTest } from './support/run.ts';

const wasmer = await wasmerRow.describe();
const wasmi = await wasmiRow.describe();
const haveWasmer = needInCI('wasmer', wasmer.available, wasmer.reason ?? 'unavailable');
const haveWasmi = needInCI('wasmi', wasmi.available, wasmi.reason ?? 'unavailable');

/** Cases every async row must pass, whatever its mechanism. */
const REPRESENTATIVE = [
  'propagation.echo.i32.max',
  'propagation.echo.i64.min',
  'propagation.echo.f64.nan-payload',
  'propagation.host-error.code-42',
  'cancellation.cancel.awaiting-sleep',
  'suspension.order.gate',
  'suspension.reenter.async',
  'cancellation.cancel.awaiting-gate',
  'capabilities.deny.no-grants',
];

async function passes(row: Adapter) {
  const cases = ALL_CASES.filter((c) => REPRESENTATIVE.includes(c.id));
  expect(cases.map((c) => c.id).sort()).toEqual([...REPRESENTATIVE].sort());
  const out = await runInTest([row], cases);
  expect(out.results).toHaveLength(REPRESENTATIVE.length);
  for (const r of out.results) expect(`${r.caseId}: ${r.status} ${r.message ?? ''}`).toBe(`${r.caseId}: pass `);
  return out;
}

describe('the wasmer row', () => {
  it.skipIf(!haveWasmer)('declares wasmer 7.4.2 with async host functions, no fuel, no memory limits', () => {
    expect(wasmer.engine).toEqual({ name: 'wasmer', version: '7.4.2' });
    expect(wasmer.features).toMatchObject({ strategy: 'native-async', fuel: false, memoryLimits: false, coreModules: true, components: false });
  });
  it.skipIf(!haveWasmer)(
    'passes the representative cases',
    async () => {
      await passes(wasmerRow);
    },
    60_000,
  );
});

describe('the wasmi row', () => {
  it.skipIf(!haveWasmi)('declares wasmi 2.0.0 with fuel, memory limits and preemption by resumable fuel slices', () => {
    expect(wasmi.engine).toEqual({ name: 'wasmi', version: '2.0.0' });
    expect(wasmi.features).toMatchObject({ strategy: 'native-async', cancellation: 'preemptive', fuel: true, memoryLimits: true, coreModules: true });
  });
  it.skipIf(!haveWasmi)(
    'passes the representative cases',
    async () => {
      await passes(wasmiRow);
    },
    60_000,
  );
  it.skipIf(!haveWasmi)(
    'stops a guest that never calls the host (fuel slices) and enforces a fuel limit',
    async () => {
      const ids = ['cancellation.preempt.cancel-spin', 'cancellation.preempt.deadline-spin', 'limits.fuel.exhaustion'];
      const cases = ALL_CASES.filter((c) => ids.includes(c.id));
      expect(cases.map((c) => c.id).sort()).toEqual([...ids].sort());
      const out = await runInTest([wasmiRow], cases);
      expect(out.results.map((r) => `${r.caseId}: ${r.status}`).sort()).toEqual(ids.map((id) => `${id}: pass`).sort());
    },
    60_000,
  );
});
