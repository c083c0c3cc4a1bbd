/** The calibration hook --test-slowdown-ns: a wrapper put on a host only when asked for. */
import { describe, expect, it } from 'vitest';
import { Host } from '../adapters/js/host/host.ts';
import { withSlowdown } from '../adapters/js/host/slowdown.ts';
import { nodeIO } from '../adapters/js/io/node.ts';

const timed = (fn: () => unknown): number => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

describe('withSlowdown', () => {
  it('leaves the host untouched when no slowdown is asked for', () => {
    const host = new Host(nodeIO, {});
    const { mark, identity_i32 } = host.sync;
    const { invokePlain, invokeAsync } = host;
    expect(withSlowdown(host, 0)).toBe(host);
    expect([host.sync.mark, host.sync.identity_i32, host.invokePlain, host.invokeAsync]).toEqual([mark, identity_i32, invokePlain, invokeAsync]);
  });

  it('busy-waits at least the asked time in each direct host call, and the calls still answer', () => {
    const host = withSlowdown(new Host(nodeIO, {}), 20e6);
    // Lower bounds only: a shared machine can only make the wait longer.
    expect(timed(() => expect(host.sync.identity_i32(7)).toBe(7))).toBeGreaterThanOrEqual(19);
    expect(timed(() => host.sync.mark(1))).toBeGreaterThanOrEqual(19);
    expect(timed(() => expect(host.invokePlain('ready_i32', [5])).toBe(5))).toBeGreaterThanOrEqual(19);
    expect(host.state().events.map((e) => e.fn)).toEqual(['mark', 'ready_i32', 'ready_i32']);
  });
});
