/** Checks shared by the cancellation cases: deadlines bounded from both sides, bounded waits, refusals. */
import type { Evidence, Verdict } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';

/** How long past a deadline or cancel a call may take to end (generous: shared machines). */
export const BOUND_MS = 1_000;
/** Clock granularity: timers may fire up to ~1 ms before their nominal time (libuv caches loop time in ms). */
export const CLOCK_SLACK_MS = 2;

/**
 * A deadline fired at the right time: outcome timeout, no earlier than the deadline (an adapter
 * that fires early fails) and within BOUND_MS after it; `afterMs`, the adapter's own measure
 * from when it read the call to when it stopped it, lies between the deadline and the time the
 * harness saw pass (it cannot have measured more).
 */
export function expectDeadlineFired(outcome: Outcome, deadlineMs: number, elapsedMs: number, extra: Evidence = {}): Verdict {
  const evidence = { outcome: outcomeToJson(outcome), deadlineMs, elapsedMs: Math.round(elapsedMs), ...extra };
  if (outcome.kind !== 'timeout') return fail(`expected timeout, got ${formatOutcome(outcome)}`, evidence);
  if (elapsedMs < deadlineMs - CLOCK_SLACK_MS)
    return fail(`the deadline fired early: the call ended ${elapsedMs.toFixed(1)} ms after it was sent (deadline ${deadlineMs} ms)`, evidence);
  if (elapsedMs > deadlineMs + BOUND_MS)
    return fail(`the call ended ${elapsedMs.toFixed(0)} ms after it was sent (deadline ${deadlineMs} ms, bound ${BOUND_MS} ms)`, evidence);
  if (outcome.afterMs < deadlineMs - CLOCK_SLACK_MS) return fail(`timeout.afterMs is ${outcome.afterMs} ms, less than the ${deadlineMs} ms deadline`, evidence);
  if (outcome.afterMs > elapsedMs + CLOCK_SLACK_MS)
    return fail(`timeout.afterMs is ${outcome.afterMs} ms, more than the ${elapsedMs.toFixed(1)} ms that passed`, evidence);
  return pass(evidence);
}

export { settleWithin } from '../define.ts';

/**
 * What a request on a disposed instance did: `undefined` when it was refused as unknown-instance
 * (the error's `code`, harness/adapter.ts `dispose`), else a description of what happened.
 */
export async function notRefused(request: () => Promise<unknown>): Promise<string | undefined> {
  try {
    const answer = await request();
    return `it was answered: ${answer && typeof answer === 'object' && 'kind' in answer ? formatOutcome(answer as Outcome) : JSON.stringify(answer)?.slice(0, 200)}`;
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    return code === 'unknown-instance'
      ? undefined
      : `it failed with ${String((err as Error)?.message ?? err).split('\n')[0]} (code ${String(code)}), not unknown-instance`;
  }
}
