/**
 * inspect's memoryBytes (LIMIT-MEMORY-INSPECT): the byte length of the instance's exported
 * `memory`, live — other cases read it only as "did not grow", which a frozen value passes.
 */
import type { Case } from '../../harness/case.ts';
import { all, expectOk, fail, pass } from '../../harness/check.ts';
import { formatOutcome } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase } from '../define.ts';

const PAGE = 65_536;

export const inspectCases: Case[] = [
  defineCase({
    id: 'limits.memory.inspect-tracks-growth',
    title: 'inspect.memoryBytes is 65536 × memory.size before and after grow(1), and rises by exactly 65536; null for a module without exported memory',
    requirement: 'LIMIT-MEMORY-INSPECT',
    async run(ctx) {
      const instance = await ctx.instantiate('limits/memory.wat');
      const sizeBefore = await call(instance, 'size', [], ['i32']);
      const before = (await instance.inspect()).memoryBytes;
      const grown = await call(instance, 'grow', [i32(1)], ['i32']);
      const sizeAfter = await call(instance, 'size', [], ['i32']);
      const after = (await instance.inspect()).memoryBytes;
      const none = (await (await ctx.instantiate('propagation/echo.wat')).inspect()).memoryBytes;
      const evidence = { before, after, withoutMemory: none, sizeBefore: formatOutcome(sizeBefore), sizeAfter: formatOutcome(sizeAfter) };
      if (sizeBefore.kind !== 'ok' || sizeAfter.kind !== 'ok')
        return fail(`memory.size failed: ${formatOutcome(sizeBefore)} / ${formatOutcome(sizeAfter)}`, evidence);
      // The guest's own memory.size is the reference (an Asyncify driver may add pages of its own).
      const pagesBefore = sizeBefore.values[0]!.value as number;
      const pagesAfter = sizeAfter.values[0]!.value as number;
      return all(
        expectOk(grown, [i32(pagesBefore)], { what: 'grow(1) returns the old size in pages' }),
        before === pagesBefore * PAGE ? pass(evidence) : fail(`memoryBytes before grow is ${before}, memory.size says ${pagesBefore * PAGE}`, evidence),
        after === pagesAfter * PAGE ? pass(evidence) : fail(`memoryBytes after grow(1) is ${after}, memory.size says ${pagesAfter * PAGE}`, evidence),
        before !== null && after === before + PAGE ? pass(evidence) : fail(`memoryBytes rose from ${before} to ${after}, not by exactly ${PAGE}`, evidence),
        none === null ? pass(evidence) : fail(`memoryBytes is ${none} for a module that exports no memory (must be null)`, evidence),
      );
    },
  }),
];
