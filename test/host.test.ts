/** The JS host's capability checks and error classification, as pure functions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, resolveCallGrant, resolveFileGrant, resolveHttpGrant } from '../adapters/js/host/capabilities.ts';
import { classifyTrap } from '../adapters/js/normalise.ts';
import type { Grants } from '../harness/adapter.ts';
import { FIXTURES_DIR } from '../harness/paths.ts';

/** The shared vectors: the same file drives the Rust host's `cargo test` (adapters/rust-host/src/caps.rs). */
interface Vectors {
  grantSets: Record<string, Grants>;
  file: { grants: string; path: string; granted: boolean; hostPath?: string; hostRoot?: string; reason?: string }[];
  http: { grants: string; url: string; granted: boolean }[];
  call: { grants: string; name: string; granted: boolean }[];
  inside: { path: string; root: string; inside: boolean }[];
}
const vectors = JSON.parse(readFileSync(join(FIXTURES_DIR, 'capability-vectors.json'), 'utf8')) as Vectors;
const set = (name: string) => vectors.grantSets[name] ?? expect.unreachable(`no grant set ${name}`);

describe('capability vectors (fixtures/capability-vectors.json)', () => {
  it('has vectors of every kind, granted and denied', () => {
    for (const kind of [vectors.file, vectors.http, vectors.call]) expect(new Set(kind.map((v) => v.granted))).toEqual(new Set([true, false]));
    expect(vectors.inside.length).toBeGreaterThan(0);
  });

  it.each(vectors.file.map((v) => [v.path, v.grants, v] as const))('file %j under grants %s', (_path, _set, v) => {
    const d = resolveFileGrant(v.path, set(v.grants));
    expect(d.granted).toBe(v.granted);
    if (d.granted) expect(d.value).toEqual({ hostPath: v.hostPath, hostRoot: v.hostRoot });
    else if (v.reason) expect(d.reason).toContain(v.reason);
  });

  it.each(vectors.http.map((v) => [v.url, v] as const))('http %s', (_url, v) => {
    expect(resolveHttpGrant(v.url, set(v.grants)).granted).toBe(v.granted);
  });

  it.each(vectors.call.map((v) => [v.name, v] as const))('call %s', (_name, v) => {
    expect(resolveCallGrant(v.name, set(v.grants)).granted).toBe(v.granted);
  });

  it('checks resolved paths against the resolved root, not by string prefix alone', () => {
    for (const v of vectors.inside) expect(isInside(v.path, v.root), `${v.path} in ${v.root}`).toBe(v.inside);
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
    expect(classifyTrap('null function or function signature mismatch')).toEqual({
      trap: 'indirect-call-type',
      candidates: ['indirect-call-type', 'indirect-call-null'],
    });
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
