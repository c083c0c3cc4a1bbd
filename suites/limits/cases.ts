/** Resource limits: memory growth, instantiation above a limit, fuel, deep stacks, oversized host results. */
import { InstantiationFailure } from '../../harness/adapter.ts';
import { ErrorCode } from '../../harness/abi.ts';
import type { Case } from '../../harness/case.ts';
import { all, expectHostError, expectOk, expectTrap, fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { triangle } from '../suspension/models.ts';
import { call, defineCase, utf8, writeGuestBytes } from '../define.ts';

export const limitCases: Case[] = [
  defineCase({
    id: 'limits.memory.module-maximum',
    title: 'memory (1 page, max 2): grow(1) → 1, grow(1) → -1, grow(100000) → -1; size stays 2',
    requirement: 'LIMIT-GROW-MAX',
    async run(ctx) {
      const instance = await ctx.instantiate('limits/bounded.wat');
      return all(
        expectOk(await call(instance, 'grow', [i32(1)], ['i32']), [i32(1)]),
        expectOk(await call(instance, 'grow', [i32(1)], ['i32']), [i32(-1)]),
        expectOk(await call(instance, 'grow', [i32(100_000)], ['i32']), [i32(-1)]),
        expectOk(await call(instance, 'grow', [i32(0)], ['i32']), [i32(2)]),
      );
    },
  }),
  defineCase({
    id: 'limits.memory.host-limit-grow',
    title: 'host limit 3 pages on an unbounded memory of 1 page: grow(2) → 1, grow(1) → -1',
    requirement: 'LIMIT-MEMORY',
    requires: ['memory-limits'],
    async run(ctx) {
      const instance = await ctx.instantiate('limits/memory.wat', { limits: { memoryPages: 3 } });
      return all(
        expectOk(await call(instance, 'grow', [i32(2)], ['i32']), [i32(1)]),
        expectOk(await call(instance, 'grow', [i32(1)], ['i32']), [i32(-1)]),
        expectOk(await call(instance, 'size', [], ['i32']), [i32(3)]),
      );
    },
  }),
  defineCase({
    id: 'limits.memory.initial-above-limit',
    title: 'a module asking for 4 initial pages under a 2-page limit fails to instantiate, with a message',
    requirement: 'LIMIT-MEMORY',
    requires: ['memory-limits'],
    async run(ctx) {
      try {
        const instance = await ctx.instantiate('limits/big-initial.wat', { limits: { memoryPages: 2 } });
        const size = await call(instance, 'size', [], ['i32']);
        return fail(`instantiated anyway; memory.size answers ${formatOutcome(size)}`);
      } catch (err) {
        if (!(err instanceof InstantiationFailure)) throw err;
        return err.message.trim() ? pass({ message: err.message }) : fail('instantiation failed without a message');
      }
    },
  }),
  defineCase({
    id: 'limits.fuel.exhaustion',
    title: 'countdown(-1) with 100 000 fuel traps out-of-fuel; countdown(100) with the same fuel returns 0',
    requirement: 'LIMIT-FUEL',
    requires: ['fuel'],
    async run(ctx) {
      const starved = await ctx.instantiate('limits/spin.wat', { limits: { fuel: 100_000 } });
      const fed = await ctx.instantiate('limits/spin.wat', { limits: { fuel: 100_000 } });
      return all(
        expectTrap(await call(starved, 'countdown', [i32(-1)], ['i32'], 30_000), 'out-of-fuel'),
        expectOk(await call(fed, 'countdown', [i32(100)], ['i32']), [i32(0)]),
      );
    },
  }),
  defineCase({
    id: 'limits.stack.deep-under-suspension',
    title: 'recursion 10 000 deep with a suspension at the bottom: the right sum or a stack-overflow trap, then the runtime serves the next call',
    requirement: 'LIMIT-DEEP-SUSPENDED',
    async run(ctx) {
      const instance = await ctx.instantiate('suspension/state.wat');
      const deep = await call(instance, 'deep', [i32(10_000)], ['i32']);
      const evidence = { outcome: outcomeToJson(deep) };
      const acceptable = (deep.kind === 'ok' && deep.values[0]?.value === triangle(10_000)) || (deep.kind === 'trap' && deep.trap === 'stack-overflow');
      const first = acceptable ? pass(evidence) : fail(`expected ok(${triangle(10_000)}) or trap stack-overflow, got ${formatOutcome(deep)}`, evidence);
      const fresh = await ctx.instantiate('suspension/state.wat');
      return all(first, expectOk(await call(fresh, 'deep', [i32(100)], ['i32']), [i32(triangle(100))], { what: 'the next call' }));
    },
  }),
  defineCase({
    id: 'limits.host-result.oversized',
    title: 'read_file of 100 000 bytes into a 1000-byte buffer and http_get of 1 MB into 1000 bytes: TOO_LARGE, then a fitting read works',
    requirement: 'LIMIT-HOST-RESULT',
    async run(ctx) {
      const instance = await ctx.instantiate('propagation/io.wat', {
        grants: { files: [{ mount: '/data', hostDir: ctx.env.dataDir, allow: ['**'] }], http: { origins: [ctx.env.httpOrigin] } },
      });
      const big = utf8('/data/big.bin');
      await writeGuestBytes(instance, 0, big);
      const file = await call(instance, 'read_file', [i32(0), i32(big.length), i32(1000)], ['i32']);
      const url = utf8(`${ctx.env.httpOrigin}/bytes/1000000`);
      await writeGuestBytes(instance, 512, url);
      const http = await call(instance, 'http_get', [i32(512), i32(url.length), i32(1000)], ['i32']);
      const hello = utf8('/data/hello.txt');
      await writeGuestBytes(instance, 0, hello);
      const fits = await call(instance, 'read_file', [i32(0), i32(hello.length), i32(1000)], ['i32']);
      return all(expectHostError(file, 'read_file', ErrorCode.TOO_LARGE), expectHostError(http, 'http_get', ErrorCode.TOO_LARGE), expectOk(fits, [i32(12)]));
    },
  }),
  defineCase({
    id: 'limits.memory.grow-zero',
    title: 'memory.grow(0) returns the current size and changes nothing',
    requirement: 'LIMIT-GROW-MAX',
    async run(ctx) {
      const instance = await ctx.instantiate('limits/bounded.wat');
      return all(expectOk(await call(instance, 'grow', [i32(0)], ['i32']), [i32(1)]), expectOk(await call(instance, 'grow', [i32(0)], ['i32']), [i32(1)]));
    },
  }),
  defineCase({
    id: 'limits.memory.exactly-at-limit',
    title: 'host limit 2 pages: growing to exactly 2 pages succeeds, one page more returns -1',
    requirement: 'LIMIT-MEMORY',
    requires: ['memory-limits'],
    async run(ctx) {
      const instance = await ctx.instantiate('limits/memory.wat', { limits: { memoryPages: 2 } });
      return all(expectOk(await call(instance, 'grow', [i32(1)], ['i32']), [i32(1)]), expectOk(await call(instance, 'grow', [i32(1)], ['i32']), [i32(-1)]));
    },
  }),
  defineCase({
    id: 'limits.memory.initial-at-limit',
    title: 'a module asking for 4 initial pages under a 4-page limit instantiates with 4 pages',
    requirement: 'LIMIT-MEMORY',
    requires: ['memory-limits'],
    async run(ctx) {
      const instance = await ctx.instantiate('limits/big-initial.wat', { limits: { memoryPages: 4 } });
      return expectOk(await call(instance, 'size', [], ['i32']), [i32(4)]);
    },
  }),
];
