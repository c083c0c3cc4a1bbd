/**
 * Property-based differential cases: fast-check generates guest programs, the model is the
 * oracle, failures shrink to a minimal program reported with its WAT, seed and path
 * (`awc replay` reruns exactly that program).
 */
import fc from 'fast-check';
import { shellLine } from '../../harness/shell.ts';
import type { Instance } from '../../harness/adapter.ts';
import type { Case, CaseContext, Verdict } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { compileWat } from '../../harness/fixtures.ts';
import { formatOutcome, isTrapOf, type Outcome } from '../../harness/outcome.ts';
import { defineCase, delay, startCall } from '../define.ts';
import { toWat } from './codegen.ts';
import { formatHostCall, program, runModel, stepCount, type Expected, type HostCall, type Program } from './program.ts';

const CALL_DEADLINE_MS = 10_000;

async function instantiateProgram(ctx: CaseContext, p: Program): Promise<Instance> {
  return ctx.instantiateWasm(await compileWat(toWat(p), 'generated.wat'), 'generated.wat', { oneOff: true });
}

/** Host calls the instance's guest made, in order, with their arguments (the `start` events and their detail). */
export async function hostCalls(instance: Instance): Promise<HostCall[]> {
  return (await instance.inspect()).events
    .filter((e) => e.kind === 'start')
    .map((e) => (e.detail === undefined ? { fn: e.fn } : { fn: e.fn, detail: e.detail }));
}

/** Same calls, same arguments, same order (a detail compares by type and value: 5 is not "5"). */
export const sameCalls = (a: HostCall[], b: HostCall[]): boolean => a.length === b.length && a.every((c, i) => c.fn === b[i]!.fn && c.detail === b[i]!.detail);

/** The first place two call lists differ, for the failure message. */
function callDifference(expected: HostCall[], actual: HostCall[]): string {
  const at = expected.findIndex((c, i) => !actual[i] || c.fn !== actual[i].fn || c.detail !== actual[i].detail);
  const i = at < 0 ? expected.length : at;
  const show = (list: HostCall[]) => `[${list.map(formatHostCall).join(', ')}]`;
  return `host calls differ at #${i} (expected ${expected[i] ? formatHostCall(expected[i]) : 'no more calls'}, got ${actual[i] ? formatHostCall(actual[i]) : 'no more calls'}): expected ${show(expected)}, got ${show(actual)}`;
}

/** Why `actual` is not what the model expects, or undefined when it is. */
export function mismatch(expected: Expected, actual: Outcome, calls: HostCall[] | undefined): string | undefined {
  const e = expected.outcome;
  const sameOutcome =
    (e.kind === 'ok' && actual.kind === 'ok' && actual.values.length === 1 && actual.values[0]!.value === e.value) ||
    (e.kind === 'trap' && isTrapOf(actual, e.trap)) ||
    (e.kind === 'host-error' && actual.kind === 'host-error' && actual.function === 'fail' && actual.code === e.code);
  const want = e.kind === 'ok' ? `ok(${e.value})` : e.kind === 'trap' ? `trap ${e.trap}` : `host-error fail code=${e.code}`;
  if (!sameOutcome) return `expected ${want}, got ${formatOutcome(actual)}`;
  if (calls && !sameCalls(expected.hostCalls, calls)) return callDifference(expected.hostCalls, calls);
  return undefined;
}

async function runProgram(ctx: CaseContext, p: Program): Promise<{ outcome: Outcome; calls: HostCall[] }> {
  const instance = await instantiateProgram(ctx, p);
  const outcome = await instance.call('main', [], { results: ['i32'], deadlineMs: CALL_DEADLINE_MS });
  return { outcome, calls: await hostCalls(instance) };
}

/** Runs a property with the run's seed (or a replay path) and turns fast-check's answer into a verdict. */
async function check<T>(
  ctx: CaseContext,
  caseId: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<string | undefined>,
  describe: (value: T) => Record<string, unknown>,
  runs: number,
): Promise<Verdict> {
  const { seed, path } = ctx.properties;
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => (await predicate(value)) === undefined),
    { seed, numRuns: runs, ...(path ? { path, endOnFailure: true } : {}) },
  );
  const base = { seed, runs: details.numRuns };
  if (!details.failed) return pass(base);
  if (details.counterexample === null) return fail(`the property failed without a counterexample: ${String(details.errorInstance)}`, base);
  const [minimal] = details.counterexample;
  // fast-check reports a predicate that returned false as an Error too; only a thrown one is news.
  const thrown =
    details.errorInstance && !/returning false/.test(String(details.errorInstance)) ? `the check threw: ${String(details.errorInstance)}` : undefined;
  const problem = thrown ?? (await predicate(minimal)) ?? 'failed during the search, passes when rerun alone (timing-dependent)';
  const replay = shellLine([
    'npx',
    'awc',
    'replay',
    ...(ctx.properties.rerunFlags?.(ctx.adapter.id) ?? []),
    '--adapter',
    ctx.adapter.id,
    '--property',
    caseId,
    '--seed',
    String(seed),
    '--path',
    details.counterexamplePath ?? '',
  ]);
  return fail(`counterexample after ${details.numShrinks} shrinks: ${problem}`, {
    ...base,
    path: details.counterexamplePath,
    numShrinks: details.numShrinks,
    replay,
    ...describe(minimal),
  });
}

const describeProgram = (p: Program) => ({ steps: stepCount(p), program: p, wat: toWat(p), expected: runModel(p) });

export const propertyCases: Case[] = [
  defineCase({
    id: 'properties.model.single',
    seeded: true,
    title: 'generated programs (compute, echo of every type, sleep, yield, fail, memory, globals, table calls, traps, loops) match the model',
    requirement: 'GEN-MODEL',
    timeoutMs: 180_000,
    async run(ctx) {
      return check(
        ctx,
        'properties.model.single',
        program,
        async (p) => {
          const { outcome, calls } = await runProgram(ctx, p);
          return mismatch(runModel(p), outcome, calls);
        },
        describeProgram,
        ctx.properties.runs,
      );
    },
  }),
  defineCase({
    id: 'properties.model.concurrent',
    seeded: true,
    title: '2–4 generated programs run at once on separate instances each match the model',
    requirement: 'GEN-CONCURRENT',
    timeoutMs: 180_000,
    async run(ctx) {
      return check(
        ctx,
        'properties.model.concurrent',
        fc.array(program, { minLength: 2, maxLength: 4 }),
        async (programs) => {
          const results = await Promise.all(programs.map((p) => runProgram(ctx, p)));
          for (const [i, r] of results.entries()) {
            const problem = mismatch(runModel(programs[i]!), r.outcome, r.calls);
            if (problem) return `program ${i}: ${problem}`;
          }
          return undefined;
        },
        (programs) => ({ programs: programs.map(describeProgram) }),
        Math.max(1, Math.round(ctx.properties.runs / 4)),
      );
    },
  }),
  defineCase({
    id: 'properties.model.cancelled',
    seeded: true,
    title: 'a generated program cancelled after 0–3 ms ends with the model outcome or cancelled; a fresh instance then runs it right',
    requirement: 'GEN-CANCEL',
    requires: ['cancel-at-host-call'],
    timeoutMs: 180_000,
    async run(ctx) {
      return check(
        ctx,
        'properties.model.cancelled',
        fc.tuple(program, fc.integer({ min: 0, max: 3 })),
        async ([p, afterMs]) => {
          const expected = runModel(p);
          const instance = await instantiateProgram(ctx, p);
          const controller = new AbortController();
          const flight = startCall(instance, 'main', [], { results: ['i32'], signal: controller.signal, deadlineMs: CALL_DEADLINE_MS });
          if (afterMs > 0) await delay(afterMs);
          controller.abort();
          const outcome = await flight.promise;
          const calls = await hostCalls(instance);
          if (outcome.kind === 'cancelled') {
            const prefix = expected.hostCalls.slice(0, calls.length);
            if (!sameCalls(prefix, calls))
              return `cancelled, but the host calls made are not a prefix of the model's: [${calls.map(formatHostCall).join(', ')}]`;
          } else {
            const problem = mismatch(expected, outcome, calls);
            if (problem) return `neither cancelled nor the model's outcome: ${problem}`;
          }
          const again = await runProgram(ctx, p);
          const after = mismatch(expected, again.outcome, again.calls);
          return after ? `after the cancel, a fresh instance went wrong: ${after}` : undefined;
        },
        ([p, afterMs]) => ({ ...describeProgram(p), cancelAfterMs: afterMs }),
        Math.max(1, Math.round(ctx.properties.runs / 2)),
      );
    },
  }),
];
