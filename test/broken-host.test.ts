/**
 * The host-check, export-float and inspect cases catch the broken hosts they were written
 * against (test/support/broken-host.ts), while the real node-jspi passes them; a correct but
 * slow runtime still passes every CAP-BOUNDS case.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import type { RunOutput } from '../harness/runner.ts';
import { ALL_CASES } from '../suites/index.ts';
import {
  argumentFailuresAsDenied,
  canonicalisesNaN,
  decodesLossily,
  flushesSubnormals,
  freezesMemoryBytes,
  gateReplacesWaiter,
  hidesRefusals,
  losesF32MinusZero,
  mountWithoutBoundary,
  originByPrefix,
  pendingIgnoresFailures,
  slowCalls,
  SLOW_CALL_MS,
  wildcardsMatchDotFiles,
} from './support/broken-host.ts';
import { runInTest } from './support/run.ts';

const NO_EXPECTATIONS = { adapter: 'any', knownFailures: [] };
const status = (out: RunOutput, adapterId: string, caseId: string) => out.results.find((r) => r.adapterId === adapterId && r.caseId === caseId)?.status;
const notPassing = (out: RunOutput, adapterId: string) =>
  out.results
    .filter((r) => r.adapterId === adapterId && r.status !== 'pass' && r.status !== 'unsupported')
    .map((r) => r.caseId)
    .sort();

/** Which case each broken host must fail. */
const CAUGHT: [string, string[]][] = [
  ['broken-mount-without-boundary', ['capabilities.grant.mount-look-alike']],
  ['broken-wildcards-match-dot-files', ['capabilities.grant.dot-file']],
  ['broken-decodes-lossily', ['capabilities.bounds.invalid-utf8']],
  ['broken-origin-by-prefix', ['capabilities.origin.port-extension']],
  ['broken-gate-replaces-waiter', ['capabilities.host.gate-twice']],
  ['broken-pending-ignores-failures', ['capabilities.host.pending-after-error-and-cancel']],
  ['broken-hides-refusals', ['capabilities.host.denial-events']],
  [
    'broken-argument-failures-as-denied',
    ['capabilities.bounds.error-codes', 'capabilities.bounds.invalid-utf8', 'capabilities.bounds.long-path', 'capabilities.bounds.long-url'],
  ],
  ['broken-freezes-memory-bytes', ['limits.memory.inspect-tracks-growth']],
];

describe('host checks against deliberately broken hosts', () => {
  let out: RunOutput;
  const ids = new Set(CAUGHT.flatMap(([, cases]) => cases));
  const cases = ALL_CASES.filter((c) => ids.has(c.id));
  beforeAll(async () => {
    out = await runInTest(
      [
        nodeJspi,
        mountWithoutBoundary,
        wildcardsMatchDotFiles,
        decodesLossily,
        originByPrefix,
        gateReplacesWaiter,
        pendingIgnoresFailures,
        hidesRefusals,
        argumentFailuresAsDenied,
        freezesMemoryBytes,
      ],
      cases,
      { expectations: NO_EXPECTATIONS },
    );
  }, 240_000);

  it('the real adapter passes every one of these cases', () => {
    expect(cases.length).toBe(ids.size);
    expect(notPassing(out, 'node-jspi')).toEqual([]);
  });

  for (const [adapter, caseIds] of CAUGHT) {
    it(`${adapter} fails ${caseIds.join(', ')}`, () => {
      for (const id of caseIds) expect(status(out, adapter, id), id).toBe('fail');
    });
  }

  it('each lax policy fails only its own case among the host checks', () => {
    for (const adapter of [
      'broken-mount-without-boundary',
      'broken-wildcards-match-dot-files',
      'broken-origin-by-prefix',
      'broken-hides-refusals',
      'broken-freezes-memory-bytes',
    ]) {
      expect(notPassing(out, adapter), adapter).toEqual(CAUGHT.find(([a]) => a === adapter)![1]);
    }
  });
});

describe('floats across the export boundary against broken value conversions', () => {
  let out: RunOutput;
  const cases = ALL_CASES.filter((c) => c.id.startsWith('propagation.export.'));
  beforeAll(async () => {
    out = await runInTest([nodeJspi, flushesSubnormals, losesF32MinusZero, canonicalisesNaN], cases, { expectations: NO_EXPECTATIONS });
  }, 240_000);

  it('node-jspi passes all but the MAY signalling-NaN cases (V8 quiets them)', () => {
    expect(notPassing(out, 'node-jspi')).toEqual([
      'propagation.export.f32.arg.nan-signalling',
      'propagation.export.f32.result.nan-signalling',
      'propagation.export.f64.arg.nan-signalling',
    ]);
  });

  it('flushing subnormals to zero fails every subnormal case, both directions, both widths', () => {
    const subnormal = cases.filter((c) => c.id.endsWith('subnormal')).map((c) => c.id);
    expect(subnormal.length).toBe(12);
    for (const id of subnormal) expect(status(out, 'broken-flushes-subnormals', id), id).toBe('fail');
    expect(status(out, 'broken-flushes-subnormals', 'propagation.export.f32.arg.max')).toBe('pass');
  });

  it('losing the sign of an f32 -0 fails the f32 minus-zero cases (arg and result), not the f64 ones', () => {
    expect(status(out, 'broken-loses-f32-minus-zero', 'propagation.export.f32.arg.minus-zero')).toBe('fail');
    expect(status(out, 'broken-loses-f32-minus-zero', 'propagation.export.f32.result.minus-zero')).toBe('fail');
    expect(status(out, 'broken-loses-f32-minus-zero', 'propagation.export.f64.arg.minus-zero')).toBe('pass');
  });

  it('canonicalising NaNs fails the SHOULD payload cases and keeps the MUST NaN cases', () => {
    for (const id of [
      'propagation.export.f32.arg.nan-payload',
      'propagation.export.f32.result.nan-payload',
      'propagation.export.f64.arg.nan-payload',
      'propagation.export.f64.result.nan-payload',
    ]) {
      expect(status(out, 'broken-canonicalises-nan', id), id).toBe('fail');
    }
    expect(status(out, 'broken-canonicalises-nan', 'propagation.export.f64.result.nan')).toBe('pass');
  });
});

describe('a correct but slow runtime', () => {
  it(`passes every CAP-BOUNDS case with ${SLOW_CALL_MS} ms per export call, within the default case timeout`, async () => {
    const cases = ALL_CASES.filter((c) => c.requirement === 'CAP-BOUNDS' && c.requires.includes('core-modules'));
    expect(cases.map((c) => c.id)).toEqual(expect.arrayContaining(['capabilities.bounds.long-path', 'capabilities.bounds.long-url']));
    const out = await runInTest([slowCalls], cases, { expectations: NO_EXPECTATIONS });
    expect(out.results.filter((r) => r.status !== 'pass').map((r) => `${r.caseId}: ${r.status} ${r.message ?? ''}`)).toEqual([]);
  }, 120_000);
});
