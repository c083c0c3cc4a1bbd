/** Guest traps classified, before and after a suspension (PROP-TRAP, PROP-STACK-OVERFLOW, PROP-AFTER-ERROR). */
import type { Case } from '../../harness/case.ts';
import { all, expectOk, expectTrap } from '../../harness/check.ts';
import type { TrapKind } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase } from '../define.ts';

const FIXTURE = 'propagation/traps.wat';

/** Export name in traps.wat → the trap kind it must produce. */
const TRAPS: [string, TrapKind][] = [
  ['unreachable', 'unreachable'],
  ['divide-by-zero', 'divide-by-zero'],
  ['integer-overflow', 'integer-overflow'],
  ['integer-overflow-trunc', 'integer-overflow'],
  ['invalid-conversion', 'invalid-conversion'],
  ['out-of-bounds-memory', 'out-of-bounds-memory'],
  ['out-of-bounds-table', 'out-of-bounds-table'],
  ['indirect-call-null', 'indirect-call-null'],
  ['indirect-call-type', 'indirect-call-type'],
];

const WHEN: [string, number][] = [
  ['immediate', 0],
  ['after-suspension', 1],
];

export const trapCases: Case[] = [
  ...TRAPS.flatMap(([exported, kind]) =>
    WHEN.map(([when, suspendFirst]) =>
      defineCase({
        id: `propagation.trap.${exported}.${when}`,
        title: `${exported} ${when === 'immediate' ? 'without suspending' : 'after resuming from a suspension'} traps as ${kind}`,
        requirement: 'PROP-TRAP',
        async run(ctx) {
          const instance = await ctx.instantiate(FIXTURE);
          return expectTrap(await call(instance, exported, [i32(suspendFirst)], ['i32']), kind);
        },
      }),
    ),
  ),
  ...WHEN.map(([when, suspendFirst]) =>
    defineCase({
      id: `propagation.trap.stack-overflow.${when}`,
      title: `unbounded recursion ${when === 'immediate' ? 'without suspending' : 'on a resumed stack'} traps as stack-overflow; the instance then answers echo(5)`,
      requirement: 'PROP-STACK-OVERFLOW',
      async run(ctx) {
        const instance = await ctx.instantiate(FIXTURE);
        const overflow = expectTrap(await call(instance, 'stack-overflow', [i32(suspendFirst)], ['i32']), 'stack-overflow');
        const after = expectOk(await call(instance, 'echo', [i32(5)], ['i32']), [i32(5)]);
        return all(overflow, after);
      },
    }),
  ),
  defineCase({
    id: 'propagation.trap.instance-usable-after',
    title: 'after a trap on a resumed stack, the same instance answers echo(9) correctly',
    requirement: 'PROP-AFTER-ERROR',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const trapped = expectTrap(await call(instance, 'out-of-bounds-memory', [i32(1)], ['i32']), 'out-of-bounds-memory');
      const after = expectOk(await call(instance, 'echo', [i32(9)], ['i32']), [i32(9)]);
      return all(trapped, after);
    },
  }),
];
