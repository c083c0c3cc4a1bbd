/**
 * Reading event details the suites rely on (SPEC.md §2.7). A host that omits or mistypes a
 * detail is named at once, instead of surfacing later as "mark undefined" or a poll that never
 * sees the mark it waits for.
 */
import type { HostEvent } from '../harness/adapter.ts';

/** Why an event's detail breaks SPEC.md §2.7 for the kinds checked here, or undefined. */
export function badMarkDetail(events: HostEvent[]): string | undefined {
  const bad = events.find((e) => (e.kind === 'mark' || e.kind === 'gate-open') && !(typeof e.detail === 'number' && Number.isInteger(e.detail)));
  if (!bad) return undefined;
  const what = bad.kind === 'mark' ? 'the marked value' : 'the gate id';
  return `host event ${JSON.stringify(bad)} has no integer detail; SPEC.md §2.7 says a ${bad.kind} event's detail is ${what} (a JSON number)`;
}
