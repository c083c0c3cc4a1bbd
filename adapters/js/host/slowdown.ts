/**
 * Test hook (calibration of `awc compare`, the agent's --test-slowdown-ns): a known busy-wait
 * before every host function the guest calls directly. A wrapper put on a host only when asked
 * for, so the ordinary host pays nothing for it.
 */
import type { Host } from './host.ts';

export function withSlowdown(host: Host, slowdownNs: number): Host {
  if (slowdownNs <= 0) return host;
  const wait = (): void => {
    const until = performance.now() + slowdownNs / 1e6;
    while (performance.now() < until) {
      // busy-wait on purpose: an injected, known cost per host call
    }
  };
  const slowed =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      wait();
      return fn(...args);
    };
  const sync = host.sync as Record<string, (...args: never[]) => unknown>;
  for (const name of Object.keys(sync)) sync[name] = slowed(sync[name]!);
  host.invokePlain = slowed(host.invokePlain.bind(host));
  host.invokeAsync = slowed(host.invokeAsync.bind(host));
  return host;
}
