/** Suspension of component guests: proved by the order of side effects, not by timing. */
import type { Case } from '../../harness/case.ts';
import { all, expectOk, fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase, pendingOps, startCall } from '../define.ts';
import { GUEST } from './shared.ts';

export const componentSuspensionCases: Case[] = [
  defineCase({
    id: 'suspension.component.gate-order',
    title: 'gated(1): mark 1, suspended on the gate (call unsettled), mark 2 only after the harness opens it',
    requirement: 'SUSP-ORDER',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const flight = startCall(instance, 'gated', [i32(1)], { results: ['i32'], deadlineMs: 10_000 });
      const parked = await pendingOps(instance, 1, ctx.signal);
      const marksWhileParked = parked.events.filter((e) => e.kind === 'mark').map((e) => e.detail);
      if (flight.settled) return fail(`the call settled before the gate opened: ${formatOutcome(flight.outcome!)}`);
      if (marksWhileParked.join() !== '1')
        return fail(`while suspended the host saw marks [${marksWhileParked.join()}], expected [1]`, { events: parked.events });
      await instance.openGate(1, 41);
      const outcome = await flight.promise;
      const events = (await instance.inspect()).events;
      const open = events.findIndex((e) => e.kind === 'gate-open');
      const mark2 = events.findIndex((e) => e.kind === 'mark' && e.detail === 2);
      if (!(open >= 0 && mark2 > open)) return fail('mark 2 was not recorded after the gate opened', { events, outcome: outcomeToJson(outcome) });
      return expectOk(outcome, [i32(42)], { events });
    },
  }),
  defineCase({
    id: 'suspension.component.many',
    title: 'one call makes 1000 next-turn and 10 000 ready async import calls',
    requirement: 'SUSP-MANY',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      return all(
        expectOk(await call(instance, 'turn-loop', [i32(1000)], ['i32'], 30_000), [i32(1000)]),
        expectOk(await call(instance, 'ready-loop', [i32(10_000)], ['i32'], 30_000), [i32(10_000)]),
      );
    },
  }),
  defineCase({
    id: 'suspension.component.undeclared-async',
    title: 'late-s32 completes later but its binding is synchronous: the guest must get 7777 or a loud failure, never another value',
    requirement: 'COMP-UNDECLARED-ASYNC',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const outcome = await call(instance, 'late-echo', [i32(7777)], ['i32']);
      const evidence = { outcome: outcomeToJson(outcome) };
      if (outcome.kind !== 'ok') return pass(evidence);
      if (outcome.values[0]?.value === 7777) return pass(evidence);
      return fail(`the guest was handed a made-up value: ${formatOutcome(outcome)} where the host's answer was 7777`, evidence);
    },
  }),
];
