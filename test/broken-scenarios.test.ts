/** The scenario suites catch broken runtimes: each defect makes exactly the cases that check it fail. */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import type { RunOutput } from '../harness/runner.ts';
import { ALL_CASES } from '../suites/index.ts';
import { ignoresCancel, ignoresLimits, leaksOnCancel, letsDotDotThrough, reordersCalls, sharesInstances } from './support/broken-adapters.ts';
import { runInTest } from './support/run.ts';

const SCENARIOS = new Set(['cancellation', 'concurrency', 'capabilities', 'limits']);
// Left out: cases that would each hang a minute against an adapter that ignores deadlines, and the slowest one.
const SLOW = new Set(['cancellation.cycles.1000', 'cancellation.deadline.repeated-100', 'concurrency.instances.sleep-64']);
const cases = ALL_CASES.filter((c) => SCENARIOS.has(c.suite) && !SLOW.has(c.id));
const notPassing = (out: RunOutput, adapterId: string) =>
  out.results
    .filter((r) => r.adapterId === adapterId && r.status !== 'pass' && r.status !== 'unsupported')
    .map((r) => r.caseId)
    .sort();

describe('scenario suites against deliberately broken adapters', () => {
  let out: RunOutput;
  beforeAll(async () => {
    out = await runInTest([nodeJspi, ignoresCancel, leaksOnCancel, letsDotDotThrough, sharesInstances(), ignoresLimits, reordersCalls], cases, {
      expectations: { adapter: 'any', knownFailures: [] },
      // Short: an adapter that ignores cancels hangs each cancellation case until this timeout.
      caseTimeoutMs: 2_500,
    });
  }, 180_000);

  it('the real adapter passes them all', () => {
    expect(notPassing(out, 'node-jspi')).toEqual([]);
  });

  it('an adapter that ignores cancels and deadlines fails the cancellation cases', () => {
    // Exactly these: every case that needs a cancel or deadline to take effect, and nothing else.
    expect(notPassing(out, 'broken-ignores-cancel')).toEqual([
      'cancellation.after.policy',
      'cancellation.cancel.awaiting-gate',
      'cancellation.cancel.awaiting-http',
      'cancellation.cancel.awaiting-sleep',
      'cancellation.cancel.before-start',
      'cancellation.cancel.queued',
      'cancellation.cancel.yield-loop',
      'cancellation.deadline.awaiting-gate',
      'cancellation.deadline.awaiting-sleep',
      'cancellation.deadline.queued',
      'cancellation.isolation.other-call-unaffected',
      'cancellation.race.with-completion',
      'capabilities.host.pending-after-error-and-cancel',
    ]);
  });

  it('an adapter that reports cancelled but leaves the host operation running fails on the missing abort', () => {
    const failing = notPassing(out, 'broken-leaks-on-cancel');
    expect(failing).toEqual([
      'cancellation.cancel.awaiting-gate',
      'cancellation.cancel.awaiting-http',
      'cancellation.cancel.awaiting-sleep',
      'cancellation.cancel.before-start',
      'cancellation.cancel.queued',
      'cancellation.cancel.yield-loop',
      'cancellation.dispose.in-flight',
      'capabilities.host.pending-after-error-and-cancel',
    ]);
    const r = out.results.find((x) => x.adapterId === 'broken-leaks-on-cancel' && x.caseId === 'cancellation.cancel.awaiting-gate')!;
    expect(r.message).toMatch(/still pending|abort/);
  });

  it('an adapter that normalises ".." instead of refusing it fails the traversal cases', () => {
    // Lax path mapping lets through every escape and look-alike, and only those.
    expect(notPassing(out, 'broken-lets-dotdot-through')).toEqual([
      'capabilities.bounds.error-codes',
      'capabilities.grant.dot-file',
      'capabilities.grant.exact-file',
      'capabilities.grant.glob',
      'capabilities.grant.mount-look-alike',
      'capabilities.grant.star-stays-in-directory',
      'capabilities.host.denial-events',
      'capabilities.traversal.dot-segment',
      'capabilities.traversal.dotdot',
      'capabilities.traversal.dotdot-deep',
      'capabilities.traversal.double-slash',
      'capabilities.traversal.symlink-escape',
    ]);
  });

  it('an adapter whose instances share state fails the isolation case', () => {
    // One shared instance breaks most cases that count on a fresh one (which exactly depends on
    // the order cases share it in), so this one asserts the isolation case and a floor.
    const failing = notPassing(out, 'broken-shares-instances');
    expect(failing).toContain('concurrency.isolation.state');
    expect(failing.length).toBeGreaterThan(10);
  });

  it('an adapter that declares memory limits but ignores them fails the limit cases', () => {
    expect(notPassing(out, 'broken-ignores-limits')).toEqual([
      'limits.memory.exactly-at-limit',
      'limits.memory.host-limit-grow',
      'limits.memory.initial-above-limit',
      'limits.unenforceable.fuel',
    ]);
  });

  it('an adapter that starts calls into one instance out of order fails the FIFO case, and only that', () => {
    expect(notPassing(out, 'broken-reorders-calls')).toEqual(['concurrency.reentrancy.fifo']);
    const r = out.results.find((x) => x.adapterId === 'broken-reorders-calls' && x.caseId === 'concurrency.reentrancy.fifo')!;
    expect(r.message).toMatch(/out of the order they were sent/);
  });
});
