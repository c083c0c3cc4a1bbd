/**
 * An unavailable adapter declares nothing, the same on both paths that make one (SPEC.md §3.3):
 * an in-process adapter whose describe() throws (runner) and a process adapter with no command
 * or a failed handshake (process-adapter). Both use UNAVAILABLE_FEATURES, and the report holds it.
 */
import { describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import { UNAVAILABLE_FEATURES } from '../harness/adapter.ts';
import type { Case } from '../harness/case.ts';
import { pass } from '../harness/check.ts';
import { processAdapter } from '../harness/protocol/process-adapter.ts';
import { reportErrors, runInTest } from './support/run.ts';

const trivial: Case = {
  id: 'test.unavailable.trivial',
  suite: 'test',
  requirement: 'TEST-UNAVAILABLE',
  level: 'MUST',
  title: 'trivial',
  requires: [],
  run: async () => pass(),
};

describe('the features of an unavailable adapter', () => {
  it('are UNAVAILABLE_FEATURES on both paths, and the report takes them', async () => {
    const exploding = { id: 'exploding', describe: async () => Promise.reject(new Error('no binary')), open: nodeJspi.open };
    const missing = processAdapter({ id: 'missing', resolve: async () => ({ unavailable: 'not installed here' }) });
    const ghost = processAdapter({ id: 'ghost', resolve: async () => ({ command: ['/nonexistent/awc-adapter'] }) });
    const out = await runInTest([exploding, missing, ghost], [trivial]);
    expect(out.adapters.map((a) => [a.id, a.available, a.engine, a.strategy, a.features])).toEqual(
      ['exploding', 'missing', 'ghost'].map((id) => [id, false, { name: 'unknown', version: 'unknown' }, UNAVAILABLE_FEATURES.strategy, UNAVAILABLE_FEATURES]),
    );
    expect(out.results.map((r) => r.status)).toEqual(['unavailable', 'unavailable', 'unavailable']);
    expect(reportErrors(out)).toEqual([]);
  });

  it('declare nothing a case could require', () => {
    // Every capability flag off, nothing interruptible, no optional feature present.
    const { strategy: _strategy, cancellation, ...rest } = UNAVAILABLE_FEATURES;
    expect(cancellation).toBe('none');
    expect(Object.entries(rest).filter(([, v]) => v !== false && v !== 'reject' && v !== 'refused')).toEqual([]);
  });
});
