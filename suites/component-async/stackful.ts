/**
 * The stackful async lift (SPEC.md §14.17, Concurrency.md "Stackful and stackless": an async
 * lift without a callback): the core function blocks in waitable-set.wait on its own stack, and
 * the instance still takes other calls meanwhile. On a runtime that declares `async-stackful` in
 * `componentAsyncLacks` these cases are unsupported.
 */
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { parkAndRelease } from './cases.ts';
import { cmaCase } from './shared.ts';

export const STACKFUL_GUEST = 'component-async/stackful.wat';

export const componentAsyncStackfulCases: Case[] = [
  ...[
    { id: 'one', order: [1], title: 'one call' },
    { id: 'reverse-order', order: [2, 1], title: 'two calls' },
    { id: 'four', order: [3, 1, 4, 2], title: 'four calls, released in a shuffled order,' },
  ].map((t) =>
    cmaCase(STACKFUL_GUEST, {
      id: `component-async.stackful.${t.id}`,
      title: `${t.title} of a stackful-lifted export (async, no callback) into one instance: all park at once, each blocked in waitable-set.wait on its own stack; each completes when its own gate opens, with its own value`,
      requirement: 'CMA-STACKFUL',
      async run(ctx) {
        const instance = await ctx.instantiateComponent(STACKFUL_GUEST);
        const { error } = await parkAndRelease(instance, t.order, ctx.signal);
        const state = await instance.inspect();
        if (error) return fail(error, { order: t.order, events: state.events });
        if (state.counters.pending !== 0) return fail(`${state.counters.pending} host operation(s) still pending`, { counters: state.counters });
        return pass({ order: t.order, counters: state.counters });
      },
    }),
  ),
];
