/**
 * CONC-NO-PARALLEL: calls into one instance may interleave at suspension points (when the
 * adapter declares `interleave`) but never run at the same time. Whatever the declared policy,
 * a lock word in guest memory taken around a pure compute section must never be seen broken.
 */
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { defineCase, startCall } from '../define.ts';

const LOCK = 'concurrency/lock.wat';
/** Concurrent calls, rounds per call, compute steps per critical section, sleep per round (ms). */
export const NO_PARALLEL = { calls: 3, rounds: 100, work: 100_000, sleepMs: 1 } as const;

export const parallelCases: Case[] = [
  defineCase({
    id: 'concurrency.reentrancy.no-parallel',
    title: `${NO_PARALLEL.calls} calls at once into one instance, each taking a guest-memory lock ${NO_PARALLEL.rounds} times around a compute section and sleeping outside it: no call ever finds the lock broken`,
    requirement: 'CONC-NO-PARALLEL',
    timeoutMs: 60_000,
    async run(ctx) {
      const instance = await ctx.instantiate(LOCK);
      const { calls, rounds, work, sleepMs } = NO_PARALLEL;
      const ids = Array.from({ length: calls }, (_, i) => i + 1);
      const flights = ids.map((id) =>
        startCall(instance, 'locked_rounds', [i32(id), i32(rounds), i32(work), i32(sleepMs)], { results: ['i32'], deadlineMs: 45_000 }),
      );
      const outcomes = await Promise.all(flights.map((f) => f.promise));
      const policy = ctx.adapter.features.reentrancy;
      const violations = outcomes.map((o) => (o.kind === 'ok' ? Number(o.values[0]?.value) : null));
      const evidence = { policy, calls, rounds, work, violations, outcomes: outcomes.map(outcomeToJson) };
      const broken = violations.findIndex((v) => v !== null && v !== 0);
      if (broken >= 0)
        return fail(
          `call ${ids[broken]} found the lock taken by another call in ${violations[broken]} of ${rounds} rounds: calls ran in parallel inside one instance`,
          evidence,
        );
      const refused = outcomes.filter((o) => o.kind !== 'ok');
      if (policy !== 'reject' && refused.length > 0)
        return fail(`declared ${policy}, but not every call was served: ${refused.map((o) => formatOutcome(o)).join('; ')}`, evidence);
      if (refused.length === calls) return fail('every call was refused: none ran', evidence);
      if (refused.some((o) => !('message' in o) || !o.message)) return fail('a refused call carries no message', evidence);
      return pass(evidence);
    },
  }),
];
