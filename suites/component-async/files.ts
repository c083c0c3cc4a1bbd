/**
 * Capability-checked host I/O through an async-lowered import (SPEC.md §14.6): read-file of the
 * awc:cma host, called by the guest as a subtask. The grant decides before any side effect, and
 * the result — the bytes, a denial naming the capability, or a host error with its code — keeps
 * its function, code and message across the async boundary, as the sync-ABI component does (§13).
 */
import type { Grants, Instance } from '../../harness/adapter.ts';
import { ErrorCode } from '../../harness/abi.ts';
import type { CaseContext } from '../../harness/case.ts';
import { all, expectDenied, expectHostError, expectNamesCapability, expectOk } from '../../harness/check.ts';
import { DATA_FILES } from '../../harness/env/data-dir.ts';
import type { Outcome } from '../../harness/outcome.ts';
import { i32, i64 } from '../../harness/values.ts';
import { utf8, writeGuestBytes } from '../define.ts';
import { summary } from '../components/shared.ts';
import { GUEST, SETTLE_MS, cmaCase } from './shared.ts';

const files = (ctx: CaseContext, allow: string[]): Grants => ({ files: [{ mount: '/data', hostDir: ctx.env.dataDir, allow }] });

/** Stages `path` in the guest and calls its async read-staged (ok: (length << 32) | FNV-1a). */
async function read(instance: Instance, path: string, max = 65_536): Promise<Outcome> {
  const bytes = utf8(path);
  await writeGuestBytes(instance, 0, bytes, 'stage');
  return instance.call('read-staged', [i32(bytes.length), i32(max)], { results: ['i64'], deadlineMs: SETTLE_MS });
}

const HELLO = DATA_FILES['data/hello.txt'];

export const componentAsyncFileCases = [
  cmaCase(GUEST, {
    id: 'component-async.errors.read-file-grant',
    title:
      'an async-lowered read-file with allow ["hello.txt"]: /data/hello.txt arrives whole; /data/sub/nested.txt and, with no grant at all, /data/hello.txt are denied naming the file capability',
    requirement: 'CMA-ERRORS',
    async run(ctx) {
      const granted = await ctx.instantiateComponent(GUEST, { grants: files(ctx, ['hello.txt']) });
      const ungranted = await ctx.instantiateComponent(GUEST);
      const other = await read(granted, '/data/sub/nested.txt');
      const none = await read(ungranted, '/data/hello.txt');
      return all(
        expectOk(await read(granted, '/data/hello.txt'), [i64(summary(utf8(HELLO)))]),
        expectDenied(other, 'read-file'),
        expectNamesCapability(other, '/data/sub/nested.txt'),
        expectDenied(none, 'read-file'),
        expectNamesCapability(none, '/data/hello.txt'),
      );
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.errors.read-file-codes',
    title:
      'an async-lowered read-file that fails keeps its code: a file larger than max is TOO_LARGE, a missing granted file NOT_FOUND, both from function read-file with a message',
    requirement: 'CMA-ERRORS',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST, { grants: files(ctx, ['**']) });
      const small = await read(instance, '/data/hello.txt', 3);
      const missing = await read(instance, '/data/no-such-file.txt');
      return all(expectHostError(small, 'read-file', ErrorCode.TOO_LARGE), expectHostError(missing, 'read-file', ErrorCode.NOT_FOUND));
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.errors.read-file-max-u32',
    title:
      "an async-lowered read-file with max = 0xffffffff (the largest u32) of a small granted file returns the file whole: the host bounds its reads by the file, not by the guest's max",
    requirement: 'CMA-ERRORS',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST, { grants: files(ctx, ['hello.txt']) });
      return expectOk(await read(instance, '/data/hello.txt', 0xffffffff), [i64(summary(utf8(HELLO)))]);
    },
  }),
];
