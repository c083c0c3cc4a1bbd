/**
 * waitable-set.poll (SPEC.md §14.12, CanonicalABI.md `canon waitable-set.poll`): it never blocks;
 * NONE while the set's subtask is unresolved, that subtask's event once it resolved.
 */
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { waitFor } from '../../harness/wait.ts';
import { cmaCase, marks, okU32, SETTLE_MS, start, u32 } from './shared.ts';

export const POLL_GUEST = 'component-async/poll.wat';

/** Marks of poll.wat: 64 + the first poll's event code; 80 + the state of each SUBTASK event polled. */
const FIRST_POLL = 64;
const POLLED_STATE = 80;
const ERRORS: Record<number, string> = {
  0xffffffff: 'polled NONE 5,000,000 times after the gate was opened',
  0xfffffffe: 'poll returned an event other than SUBTASK',
  0xfffffffd: 'poll returned a SUBTASK event for another waitable index',
};

export const componentAsyncPollCases: Case[] = [
  cmaCase(POLL_GUEST, {
    id: 'component-async.poll.none-then-event',
    title:
      "waitable-set.poll on a set whose subtask is parked on a closed gate returns NONE at once; after the gate opens, a later poll returns that subtask's RETURNED event",
    requirement: 'CMA-POLL',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(POLL_GUEST);
      const flight = start(instance, 'poll-gate', [u32(1)]);
      // The first poll happens before the export returns to the host: a poll that blocks never marks.
      const first = await waitFor("the first poll's mark", async () => marks((await instance.inspect()).events)[0], SETTLE_MS, ctx.signal).catch(
        (e: Error) => e,
      );
      if (first instanceof Error)
        return fail(`${first.message}${flight.settled ? `; poll-gate ended ${formatOutcome(flight.outcome!)}` : ' (did poll block?)'}`, {});
      if (first !== FIRST_POLL)
        return fail(`the first poll, with the gate still closed, returned event ${first - FIRST_POLL}, expected NONE (0)`, {
          marks: marks((await instance.inspect()).events),
        });
      if (flight.settled)
        return fail(`poll-gate ended ${formatOutcome(flight.outcome!)} before its gate was opened`, { outcome: outcomeToJson(flight.outcome!) });
      await instance.openGate(1, 55);
      const outcome = await flight.promise;
      const seen = marks((await instance.inspect()).events);
      const evidence = { outcome: outcomeToJson(outcome), marks: seen };
      const v = okU32(outcome);
      if (v !== undefined && ERRORS[v]) return fail(`poll-gate: ${ERRORS[v]}`, evidence);
      if (v !== 55) return fail(`poll-gate returned ${formatOutcome(outcome)}, expected the gate's value 55`, evidence);
      const states = seen.slice(1).map((m) => m - POLLED_STATE);
      if (states.at(-1) !== 2 || states.some((s, i) => i > 0 && s <= states[i - 1]!))
        return fail(`polled subtask states ${JSON.stringify(states)}: expected rising to RETURNED (2), each once`, evidence);
      return pass(evidence);
    },
  }),
];
