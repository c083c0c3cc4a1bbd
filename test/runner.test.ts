/** The runner never lets a case pass without a verdict, and never stops on a bad one. */
import { describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import type { Case } from '../harness/case.ts';
import { fail, pass } from '../harness/check.ts';
import { missingRuntime } from './support/broken-adapters.ts';
import { runInTest } from './support/run.ts';

const make = (id: string, run: Case['run'], extra: Partial<Case> = {}): Case => ({
  id,
  suite: id.split('.')[0]!,
  title: id,
  requirement: 'TEST-REQ',
  level: 'MUST',
  requires: ['core-modules'],
  run,
  ...extra,
});

const passing = make('t.passes', async () => pass());
const failing = make('t.fails', async () => fail('wrong value'));
const throwing = make('t.throws', async () => {
  throw new TypeError('boom');
});
const hanging = make('t.hangs', () => new Promise(() => {}));
const needsFuel = make('t.needs-fuel', async () => pass(), { requires: ['fuel'] });

describe('runner', () => {
  it('maps verdicts, throws, hangs and missing features to statuses, in case order, and keeps going', async () => {
    const out = await runInTest([nodeJspi], [throwing, hanging, failing, needsFuel, passing], { caseTimeoutMs: 300 });
    expect(out.results.map((r) => [r.caseId, r.status])).toEqual([
      ['t.throws', 'error'],
      ['t.hangs', 'timeout'],
      ['t.fails', 'fail'],
      ['t.needs-fuel', 'unsupported'],
      ['t.passes', 'pass'],
    ]);
    expect(out.results[0]!.message).toContain('TypeError: boom');
    expect(out.results[1]!.message).toContain('300 ms');
    expect(out.results[3]!.message).toContain('fuel');
    expect(out.results.filter((r) => r.status !== 'pass').every((r) => r.reproduce)).toBe(true);
    expect(out.results[4]!.reproduce).toBeUndefined();
  });

  it('reports every case of an unavailable adapter as unavailable with the reason, never pass', async () => {
    const out = await runInTest([missingRuntime, nodeJspi], [passing, failing]);
    expect(out.results.map((r) => [r.adapterId, r.status])).toEqual([
      ['fake-missing', 'unavailable'],
      ['fake-missing', 'unavailable'],
      ['node-jspi', 'pass'],
      ['node-jspi', 'fail'],
    ]);
    expect(out.results[0]!.message).toContain('not installed');
    expect(out.adapters[0]!.available).toBe(false);
  });

  it('turns listed failures into expected-fail and listed passes into unexpected-pass', async () => {
    const expectations = {
      adapter: 'node-jspi',
      knownFailures: [
        { case: 't.fails', reason: 'known bug 1' },
        { case: 't.pass*', reason: 'fixed long ago' },
      ],
    };
    const out = await runInTest([nodeJspi], [failing, passing], { expectations });
    expect(out.results.map((r) => r.status)).toEqual(['expected-fail', 'unexpected-pass']);
    expect(out.results[0]!.message).toContain('known bug 1');
    expect(out.results[0]!.message).toContain('wrong value');
    expect(out.results[1]!.message).toContain('remove the entry');
  });

  it('an intermittent known failure: a failure is expected-fail, a pass stays pass with the reason', async () => {
    const expectations = { adapter: 'node-jspi', knownFailures: [{ case: 't.*', reason: 'a race', intermittent: true }] };
    const out = await runInTest([nodeJspi], [failing, passing], { expectations });
    expect(out.results.map((r) => r.status)).toEqual(['expected-fail', 'pass']);
    expect(out.results[1]!.message).toContain('intermittent');
    expect(out.results[1]!.message).toContain('a race');
  });

  it('an error is a known failure only for an entry that says "error": true', async () => {
    const plain = { adapter: 'node-jspi', knownFailures: [{ case: 't.throws', reason: 'cannot compile' }] };
    expect((await runInTest([nodeJspi], [throwing], { expectations: plain })).results[0]!.status).toBe('error');
    const covering = { adapter: 'node-jspi', knownFailures: [{ case: 't.throws', reason: 'cannot compile', error: true }] };
    const out = await runInTest([nodeJspi], [throwing], { expectations: covering });
    expect(out.results[0]!.status).toBe('expected-fail');
    expect(out.results[0]!.message).toContain('cannot compile');
  });

  it('reports an adapter whose describe() throws as unavailable', async () => {
    const exploding = { id: 'exploding', describe: async () => Promise.reject(new Error('no binary')), open: nodeJspi.open };
    const out = await runInTest([exploding], [passing]);
    expect(out.results[0]!.status).toBe('unavailable');
    expect(out.results[0]!.message).toContain('no binary');
  });
});
