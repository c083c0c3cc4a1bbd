/** The property suite: generated WAT always validates, the model agrees with a real runtime, broken runtimes are caught and shrunk. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import type { Adapter } from '../harness/adapter.ts';
import { compileWat } from '../harness/fixtures.ts';
import { runCases } from '../harness/runner.ts';
import { toWat } from '../suites/properties/codegen.ts';
import { program, runModel } from '../suites/properties/program.ts';
import { ALL_CASES } from '../suites/index.ts';
import { dropsLastHostCall, hostI64OffByOne, brokenAdapter, mislabelsTraps } from './support/broken-adapters.ts';

const single = ALL_CASES.find((c) => c.id === 'properties.model.single')!;

async function runProperty(adapter: Adapter, seed: number, runs = 200) {
  const { results } = await runCases({
    adapters: [adapter],
    cases: [single],
    env: { httpOrigin: 'http://127.0.0.1:9', httpRequests: [], dataDir: '/nonexistent' },
    expectationsFor: async (id) => ({ adapter: id, knownFailures: [] }),
    properties: { runs, seed },
  });
  return results[0]!;
}

describe('generated programs', () => {
  it('always compile to valid wasm', async () => {
    await fc.assert(
      fc.asyncProperty(program, async (p) => {
        await compileWat(toWat(p));
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('the model agrees with node-jspi on fixed seeds', async () => {
    for (const seed of [1, 2, 3]) {
      const r = await runProperty(nodeJspi, seed, 100);
      expect(r.status, r.message).toBe('pass');
    }
  });

  it('the model sometimes expects traps and host errors, not only values', () => {
    const kinds = new Set(fc.sample(program, { numRuns: 300, seed: 7 }).map((p) => runModel(p).outcome.kind));
    expect(kinds).toEqual(new Set(['ok', 'trap', 'host-error']));
  });
});

describe('broken runtimes are caught and shrunk to a tiny program', () => {
  it.each([
    ['off-by-one in the i64 echo', hostI64OffByOne],
    ['wrong trap kind', brokenAdapter('broken-traps', mislabelsTraps)],
    ['drops the last host call', dropsLastHostCall],
  ])('%s', async (_name, adapter) => {
    const r = await runProperty(adapter, 1234);
    expect(r.status).toBe('fail');
    const evidence = r.evidence as { steps: number; wat: string; seed: number; path: string; replay: string };
    expect(evidence.steps).toBeLessThanOrEqual(3);
    expect(evidence.wat).toContain('(func (export "main")');
    expect(evidence.seed).toBe(1234);
    expect(evidence.replay).toContain(`--seed 1234 --path ${evidence.path}`);
  });
});
