/**
 * LIMIT-UNENFORCEABLE: an adapter that cannot enforce a limit must refuse an instantiation that
 * asks for it (SPEC.md §3.3, §9.5), never run the guest unbounded. The harness otherwise sends
 * limits only to rows that declare them, so these cases are the only ones that send them to the
 * others.
 */
import { type Instance, InstantiationFailure, type Limits } from '../../harness/adapter.ts';
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase } from '../define.ts';

/** limits/bounded.wat: 1 page, its own maximum 2; a limit of 1 page is below that maximum. */
const FIXTURE = 'limits/bounded.wat';

function refusalCase(id: string, what: string, tag: 'no-fuel' | 'no-memory-limits', limits: Limits): Case {
  return defineCase({
    id,
    title: `an adapter that declares no ${what} is asked for limits ${JSON.stringify(limits)}: instantiation fails (InstantiationFailure, protocol error instantiation-failed)`,
    requirement: 'LIMIT-UNENFORCEABLE',
    requires: [tag],
    async run(ctx) {
      let instance: Instance;
      try {
        instance = await ctx.instantiate(FIXTURE, { limits });
      } catch (err) {
        const evidence = { limits, error: `${(err as Error)?.name}: ${(err as Error)?.message}` };
        if (!(err instanceof InstantiationFailure))
          return fail(`instantiation failed, but not as an InstantiationFailure (protocol: error code instantiation-failed): ${evidence.error}`, evidence);
        if (!err.message.trim()) return fail('the refusal carries no message', evidence);
        return pass(evidence);
      }
      // Accepted: show what the guest can do that the limit forbade.
      const grown = await call(instance, 'grow', [i32(1)], ['i32']);
      return fail(`accepted limits ${JSON.stringify(limits)} it declares it cannot enforce (memory.grow(1) then gave ${formatOutcome(grown)})`, {
        limits,
        grow: formatOutcome(grown),
      });
    },
  });
}

export const unenforceableLimitCases: Case[] = [
  refusalCase('limits.unenforceable.fuel', 'fuel metering', 'no-fuel', { fuel: 1_000_000 }),
  refusalCase('limits.unenforceable.memory', 'memory limits', 'no-memory-limits', { memoryPages: 1 }),
];
