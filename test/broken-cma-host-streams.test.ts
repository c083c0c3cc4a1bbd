/**
 * component-async streams across the embedder boundary (SPEC.md §14.18): every host-stream case
 * passes on the unbroken rows (jco in process; wasmtime where built) and each requirement group
 * fails on a deliberately broken host binding.
 */
import { describe, expect, it } from 'vitest';
import { wasmtimeComponentRow } from '../adapters/wasmtime/row.ts';
import type { Adapter } from '../harness/adapter.ts';
import { ALL_CASES } from '../suites/index.ts';
import { jcoInProcess } from './support/broken-cma.ts';
import {
  httpIgnoresGrant,
  sinkMiscounts,
  sinkReturnsEarly,
  sourceDropsAByte,
  sourceIgnoresCancel,
  sourceMissesDrop,
} from './support/broken-cma-host-streams.ts';
import { zeroLengthTakesData } from './support/broken-cma-streams.ts';
import { needInCI } from './support/ci.ts';
import { runInTest } from './support/run.ts';

const byId = (...ids: string[]) => ALL_CASES.filter((c) => ids.map((i) => `component-async.host-stream.${i}`).includes(c.id));
async function statuses(adapter: Adapter, ids: string[]) {
  const out = await runInTest([adapter], byId(...ids));
  expect(out.results.length).toBe(ids.length);
  return Object.fromEntries(out.results.map((r) => [r.caseId.replace('component-async.host-stream.', ''), r.status]));
}
const all = (ids: string[], status: string) => Object.fromEntries(ids.map((id) => [id, status]));

const SIZES = ['0', '1', '4k', '64k-partial', '16m'];
const SOURCE = SIZES.map((s) => `source-${s}`);
const SINK = SIZES.map((s) => `sink-${s}`);
const HTTP = ['http-granted', 'http-denied', 'http-too-large'];
const EVERY = [...SOURCE, ...SINK, 'zero-length-read', 'early-drop', 'cancel-mid-stream', ...HTTP];

// Needs `npm run build:wasmtime` (CI builds it before `npm test`).
const wasmtime = await wasmtimeComponentRow.describe();
const haveWasmtime = needInCI('wasmtime-component', wasmtime.available, wasmtime.reason ?? 'unavailable');

describe('component-async host streams', () => {
  it('unbroken jco passes every host-stream case', async () => {
    expect(await statuses(jcoInProcess('test-jco-host-streams'), EVERY)).toEqual(all(EVERY, 'pass'));
  }, 180_000);

  it.runIf(haveWasmtime)(
    'wasmtime passes every host-stream case',
    async () => {
      expect(await statuses(wasmtimeComponentRow, EVERY)).toEqual(all(EVERY, 'pass'));
    },
    180_000,
  );

  it('catches a source that loses a byte (CMA-HOST-STREAM-SOURCE; the early read too)', async () => {
    const ids = ['source-1', 'source-4k', 'source-64k-partial', 'source-16m', 'zero-length-read', 'early-drop'];
    expect(await statuses(sourceDropsAByte, [...ids, 'source-0'])).toEqual({ ...all(ids, 'fail'), 'source-0': 'pass' });
  }, 180_000);

  it('catches a sink that miscounts (CMA-HOST-STREAM-SINK)', async () => {
    const ids = ['sink-0', 'sink-1', 'sink-4k', 'sink-64k-partial'];
    expect(await statuses(sinkMiscounts, ids)).toEqual(all(ids, 'fail'));
  }, 90_000);

  it('catches a sink that returns after its first read, before the guest dropped its writable end (CMA-HOST-STREAM-SINK)', async () => {
    // jco's host read of 64 KiB gathers the guest's writes until it is full or the writer
    // dropped, so only a stream longer than one read shows the early return.
    expect(await statuses(sinkReturnsEarly, ['sink-16m', 'sink-4k'])).toEqual({ 'sink-16m': 'fail', 'sink-4k': 'pass' });
  }, 90_000);

  it('catches a zero-length read of a host stream that takes data (CMA-HOST-STREAM-ZERO-LENGTH)', async () => {
    // The guest's stream.read built-in with length 0 run as a 4-byte read.
    expect(await statuses(zeroLengthTakesData, ['zero-length-read', 'source-4k'])).toEqual({ 'zero-length-read': 'fail', 'source-4k': 'pass' });
  }, 60_000);

  it('catches a source that does not see the early drop (CMA-HOST-STREAM-DROP)', async () => {
    expect(await statuses(sourceMissesDrop, ['early-drop', 'source-4k'])).toEqual({ 'early-drop': 'fail', 'source-4k': 'pass' });
  }, 60_000);

  it('catches a stream operation a cancel of its call does not abort (CMA-HOST-STREAM-CANCEL)', async () => {
    expect(await statuses(sourceIgnoresCancel, ['cancel-mid-stream', 'source-4k'])).toEqual({ 'cancel-mid-stream': 'fail', 'source-4k': 'pass' });
  }, 60_000);

  it('catches an http-get that sends the request before the grant decides (CMA-HOST-STREAM-HTTP)', async () => {
    // The granted fetch then reaches the server twice, which http-granted also catches.
    expect(await statuses(httpIgnoresGrant, ['http-denied', 'http-granted'])).toEqual({ 'http-denied': 'fail', 'http-granted': 'fail' });
  }, 60_000);
});
