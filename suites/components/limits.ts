/**
 * Resource limits on component instances (SPEC.md §9): the store's fuel and memory limits apply
 * to the component's core instances as they do to a core module. Declared per adapter
 * (`fuel`, `memoryLimits`); adapters that cannot enforce them report these as unsupported.
 */
import type { Case } from '../../harness/case.ts';
import { all, expectOk, expectTrap } from '../../harness/check.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase } from '../define.ts';
import { GUEST } from './shared.ts';

export const componentLimitCases: Case[] = [
  defineCase({
    id: 'limits.component.fuel',
    title: 'countdown(-1) with 100 000 fuel traps out-of-fuel; countdown(100) with the same fuel returns 0',
    requirement: 'LIMIT-FUEL',
    guest: 'component',
    requires: ['fuel'],
    async run(ctx) {
      const starved = await ctx.instantiateComponent(GUEST, { limits: { fuel: 100_000 } });
      const fed = await ctx.instantiateComponent(GUEST, { limits: { fuel: 100_000 } });
      return all(
        expectTrap(await call(starved, 'countdown', [i32(-1)], ['i32'], 30_000), 'out-of-fuel'),
        expectOk(await call(fed, 'countdown', [i32(100)], ['i32']), [i32(0)]),
      );
    },
  }),
  defineCase({
    id: 'limits.component.memory',
    title: 'host limit 4 pages on the guest component (2 pages): grow(2) → 2, then grow(1) → -1',
    requirement: 'LIMIT-MEMORY',
    guest: 'component',
    requires: ['memory-limits'],
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST, { limits: { memoryPages: 4 } });
      return all(
        expectOk(await call(instance, 'grow', [i32(2)], ['i32']), [i32(2)]),
        expectOk(await call(instance, 'grow', [i32(1)], ['i32']), [i32(-1)]),
        expectOk(await call(instance, 'grow', [i32(0)], ['i32']), [i32(4)]),
      );
    },
  }),
];
