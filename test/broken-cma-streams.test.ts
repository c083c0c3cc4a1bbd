/**
 * component-async streams, futures and the stackful lift (SPEC.md §14.13, §14.14, §14.17): each
 * requirement group fails on a deliberately broken binding, and passes on its control.
 */
import { describe, expect, it } from 'vitest';
import { wasmtimeComponentRow } from '../adapters/wasmtime/row.ts';
import type { Adapter } from '../harness/adapter.ts';
import { ALL_CASES } from '../suites/index.ts';
import { jcoInProcess } from './support/broken-cma.ts';
import {
  cancelCompletes,
  corruptsFutures,
  corruptsReads,
  dropsLeaveSet,
  hidesDrop,
  readerDropTraps,
  swallowsTraps,
  zeroLengthTakesData,
} from './support/broken-cma-streams.ts';
import { needInCI } from './support/ci.ts';
import { runInTest } from './support/run.ts';

const byId = (...ids: string[]) => ALL_CASES.filter((c) => ids.map((i) => `component-async.${i}`).includes(c.id));
async function statuses(adapter: Adapter, ids: string[]) {
  const out = await runInTest([adapter], byId(...ids));
  expect(out.results.length).toBe(ids.length);
  return Object.fromEntries(out.results.map((r) => [r.caseId.replace('component-async.', ''), r.status]));
}
const all = (ids: string[], status: string) => Object.fromEntries(ids.map((id) => [id, status]));

const DATA = [
  'stream.bytes-1',
  'stream.bytes-4k',
  'stream.bytes-64k-partial',
  'stream.bytes-16m',
  'stream.zero-length',
  'stream.cancel-copy',
  'stream.cancel-in-sync-func',
  'stream.pipe-writer-first',
  'stream.pipe-reader-first',
];
const TRAPS = ['stream.read-after-dropped', 'stream.drop-while-reading', 'future.write-twice', 'future.read-twice', 'future.drop-unwritten'];

describe('component-async streams and futures', () => {
  it('unbroken jco passes every stream and future case but the dropped-ends-in-a-set defect', async () => {
    const ids = [
      ...DATA,
      ...TRAPS,
      'stream.bytes-0',
      'stream.drop-seen',
      'future.cancel-copy',
      'future.writer-first',
      'future.reader-first',
      'future.reader-dropped',
      'future.across-tasks',
    ];
    expect(await statuses(jcoInProcess('test-jco-streams'), [...ids, 'stream.drop-members-then-set'])).toEqual({
      ...all(ids, 'pass'),
      'stream.drop-members-then-set': 'fail',
    });
  }, 90_000);

  it('catches a read that corrupts a byte (CMA-STREAM-BYTES, -ZERO-LENGTH, -CANCEL, -TASKS)', async () => {
    expect(await statuses(corruptsReads, DATA)).toEqual(all(DATA, 'fail'));
  }, 90_000);

  it('catches a drop the reader never sees (CMA-STREAM-DROP, CMA-STREAM-BYTES at 0 bytes)', async () => {
    const ids = ['stream.bytes-0', 'stream.drop-seen', 'stream.read-after-dropped'];
    expect(await statuses(hidesDrop, ids)).toEqual(all(ids, 'fail'));
  }, 60_000);

  it('catches a zero-length read that takes data (CMA-STREAM-ZERO-LENGTH)', async () => {
    expect(await statuses(zeroLengthTakesData, ['stream.zero-length'])).toEqual(all(['stream.zero-length'], 'fail'));
  }, 60_000);

  it('catches a cancel that answers COMPLETED (CMA-STREAM-CANCEL, CMA-FUTURE-CANCEL)', async () => {
    const ids = ['stream.cancel-copy', 'stream.cancel-in-sync-func', 'future.cancel-copy'];
    expect(await statuses(cancelCompletes, ids)).toEqual(all(ids, 'fail'));
  }, 60_000);

  it('catches forbidden copies and drops that do not trap (CMA-STREAM-DROP, CMA-FUTURE, CMA-FUTURE-DROP)', async () => {
    expect(await statuses(swallowsTraps, TRAPS)).toEqual(all(TRAPS, 'fail'));
  }, 60_000);

  it('catches a corrupted future value, and a drop of an unread future that traps (CMA-FUTURE, CMA-FUTURE-DROP)', async () => {
    const ids = ['future.writer-first', 'future.reader-first', 'future.across-tasks'];
    expect(await statuses(corruptsFutures, ids)).toEqual(all(ids, 'fail'));
    expect(await statuses(readerDropTraps, ['future.reader-dropped'])).toEqual(all(['future.reader-dropped'], 'fail'));
  }, 60_000);

  it('CMA-WAITABLE-SET-DROP on streams passes when dropped ends leave their set (a control for the jco defect)', async () => {
    expect(await statuses(dropsLeaveSet, ['stream.drop-members-then-set'])).toEqual(all(['stream.drop-members-then-set'], 'pass'));
  }, 60_000);
});

const STACKFUL = ['stackful.one', 'stackful.reverse-order', 'stackful.four'];
// Needs `npm run build:wasmtime` (CI builds it before `npm test`).
const wasmtime = await wasmtimeComponentRow.describe();
const haveWasmtime = needInCI('wasmtime-component', wasmtime.available, wasmtime.reason ?? 'unavailable');

describe('component-async stackful lift', () => {
  it.runIf(haveWasmtime)(
    'wasmtime (which takes the stackful lift) passes the stackful cases',
    async () => {
      expect(await statuses(wasmtimeComponentRow, STACKFUL)).toEqual(all(STACKFUL, 'pass'));
    },
    90_000,
  );

  it('jco 1.35.0, whose stackful lift is broken, fails each of them (a real broken binding)', async () => {
    expect(await statuses(jcoInProcess('test-jco-stackful'), STACKFUL)).toEqual(all(STACKFUL, 'fail'));
  }, 60_000);

  it('an adapter that declares it lacks async-stackful gets them unsupported, with the built-in named', async () => {
    const inner = jcoInProcess('test-jco-lacks-stackful');
    const lacks: Adapter = {
      ...inner,
      describe: async () => {
        const d = await inner.describe();
        return { ...d, features: { ...d.features, componentAsyncLacks: ['async-stackful'] } };
      },
    };
    const out = await runInTest([lacks], byId(...STACKFUL, 'stream.bytes-1'));
    expect(Object.fromEntries(out.results.map((r) => [r.caseId, r.status]))).toEqual({
      ...Object.fromEntries(STACKFUL.map((i) => [`component-async.${i}`, 'unsupported'])),
      'component-async.stream.bytes-1': 'pass',
    });
    expect(out.results.find((r) => r.caseId === 'component-async.stackful.one')!.message).toBe('adapter lacks component-async built-in(s): async-stackful');
  }, 60_000);
});
