/** The JS host's capability checks and error classification, as pure functions. */
import { describe, expect, it } from 'vitest';
import { isInside, resolveCallGrant, resolveFileGrant, resolveHttpGrant } from '../adapters/js/host/capabilities.ts';
import { classifyTrap } from '../adapters/js/normalise.ts';
import type { Grants } from '../harness/adapter.ts';

const grants: Grants = {
  files: [{ mount: '/data', hostDir: '/srv/data', allow: ['**/*.txt'] }],
  http: { origins: ['http://127.0.0.1:8080'] },
  calls: ['reverse'],
};

describe('file grants', () => {
  it('maps a canonical path under a mount onto the host directory', () => {
    expect(resolveFileGrant('/data/sub/a.txt', grants)).toEqual({ granted: true, value: { hostPath: '/srv/data/sub/a.txt', hostRoot: '/srv/data' } });
  });

  it.each([
    ['/data/../etc/passwd.txt', 'not canonical'],
    ['/data/./a.txt', 'not canonical'],
    ['/data//a.txt', 'not canonical'],
    ['/data/a.txt/', 'not canonical'],
    ['data/a.txt', 'not absolute'],
    ['/data/a.txt\0.png', 'NUL'],
    ['/data\\..\\a.txt', 'backslash'],
    ['/data/a.bin', 'no file grant'],
    ['/database/a.txt', 'no file grant'],
    ['/other/a.txt', 'no file grant'],
    ['/data/.hidden.txt', 'no file grant'],
  ])('denies %j (%s)', (path, why) => {
    const d = resolveFileGrant(path, grants);
    expect(d.granted).toBe(false);
    if (!d.granted) expect(d.reason).toContain(why);
  });

  it('keeps percent-encoded dots literal: they name a file inside the mount', () => {
    expect(resolveFileGrant('/data/%2e%2e/x.txt', grants)).toMatchObject({ granted: true, value: { hostPath: '/srv/data/%2e%2e/x.txt' } });
  });

  it('checks resolved paths against the resolved root, not by string prefix alone', () => {
    expect(isInside('/srv/data/a.txt', '/srv/data')).toBe(true);
    expect(isInside('/srv/database/a.txt', '/srv/data')).toBe(false);
    expect(isInside('/srv/data', '/srv/data')).toBe(false);
  });
});

describe('http and call grants', () => {
  it.each([
    ['http://127.0.0.1:8080/hello', true],
    ['http://127.0.0.1:8081/hello', false],
    ['https://127.0.0.1:8080/hello', false],
    ['http://user:pw@127.0.0.1:8080/hello', false],
    ['http://localhost:8080/hello', false],
    ['not a url', false],
  ])('%s granted=%s', (url, granted) => {
    expect(resolveHttpGrant(url, grants).granted).toBe(granted);
  });

  it('grants calls by exact name only', () => {
    expect(resolveCallGrant('reverse', grants).granted).toBe(true);
    expect(resolveCallGrant('Reverse', grants).granted).toBe(false);
    expect(resolveCallGrant('upper', grants).granted).toBe(false);
  });
});

describe('trap classification from engine messages', () => {
  it.each([
    ['unreachable', 'unreachable'],
    ['divide by zero', 'divide-by-zero'],
    ['divide result unrepresentable', 'integer-overflow'],
    ['memory access out of bounds', 'out-of-bounds-memory'],
    ['table index is out of bounds', 'out-of-bounds-table'],
    ['Out of bounds memory access (evaluating ...)', 'out-of-bounds-memory'],
    ['something new', 'unknown'],
  ])('%j → %s', (message, kind) => {
    expect(classifyTrap(message).trap).toBe(kind);
  });

  it("keeps both meanings of V8's combined call_indirect message", () => {
    expect(classifyTrap('null function or function signature mismatch')).toEqual({ trap: 'indirect-call-type', candidates: ['indirect-call-type', 'indirect-call-null'] });
  });
});

describe('host event log', () => {
  it('keeps the most recent events in order once full, counting the dropped ones', async () => {
    const { EventLog } = await import('../adapters/js/host/events.ts');
    const log = new EventLog(3);
    for (let i = 1; i <= 5; i++) log.record({ fn: 'mark', kind: 'mark', detail: i });
    const snap = log.snapshot();
    expect(snap.events.map((e) => e.detail)).toEqual([3, 4, 5]);
    expect(snap.droppedEvents).toBe(2);
  });
});
