/**
 * Generated guest programs: the step language, its fast-check arbitraries (steps → blocks →
 * programs, each usable alone), and the model interpreter that is the oracle.
 */
import fc from 'fast-check';
import type { TrapKind } from '../../harness/outcome.ts';
import { floatBits } from '../../harness/values.ts';

export type Step =
  | { op: 'const' | 'add' | 'mul' | 'xor'; value: number }
  | { op: 'echo32' }
  | { op: 'echo64'; value: string }
  | { op: 'echof64'; value: number }
  | { op: 'sleep'; ms: number }
  | { op: 'yield' }
  | { op: 'fail'; code: number }
  | { op: 'store' | 'load'; slot: number }
  | { op: 'gset' | 'gget' }
  | { op: 'callf'; fn: 0 | 1 }
  | { op: 'trap'; kind: 'unreachable' | 'div0' | 'oob' }
  | { op: 'loop'; times: number; body: Step[] };

export type Program = Step[];

/** One host call: the function and its `start` event's detail (SPEC.md §2.7; absent for yield). */
export type HostCall = { fn: string; detail?: string | number };

export type Expected = {
  outcome: { kind: 'ok'; value: number } | { kind: 'trap'; trap: TrapKind } | { kind: 'host-error'; code: number };
  hostCalls: HostCall[];
};

/** `echo_i32(5)`, `yield()`: a host call as people read it. */
export const formatHostCall = (c: HostCall): string =>
  `${c.fn}(${c.detail === undefined ? '' : typeof c.detail === 'string' ? JSON.stringify(c.detail) : c.detail})`;

const i32 = fc.integer({ min: -2147483648, max: 2147483647 });

/** Steps that cannot end the program. */
export const plainStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constantFrom('const' as const, 'add' as const, 'mul' as const, 'xor' as const), value: i32 }),
  fc.constant({ op: 'echo32' as const }),
  fc.record({ op: fc.constant('echo64' as const), value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String) }),
  fc.record({ op: fc.constant('echof64' as const), value: fc.double({ min: -1e12, max: 1e12, noNaN: true }).map((d) => (Object.is(d, -0) ? 0 : d)) }),
  fc.record({ op: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 1 }) }),
  fc.constant({ op: 'yield' as const }),
  fc.record({ op: fc.constantFrom('store' as const, 'load' as const), slot: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ op: fc.constantFrom('gset' as const, 'gget' as const) }),
  fc.record({ op: fc.constant('callf' as const), fn: fc.constantFrom(0 as const, 1 as const) }),
);

/** Steps that end the program: a host failure or a trap. */
export const endingStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('fail' as const), code: i32 }),
  fc.record({ op: fc.constant('trap' as const), kind: fc.constantFrom('unreachable' as const, 'div0' as const, 'oob' as const) }),
);

/** A block: plain steps and loops nested up to `depth`. */
export function block(depth: number): fc.Arbitrary<Step[]> {
  const loop: fc.Arbitrary<Step> =
    depth > 0
      ? fc.record({ op: fc.constant('loop' as const), times: fc.integer({ min: 1, max: 3 }), body: fc.constant(null).chain(() => block(depth - 1)) })
      : plainStep;
  return fc.array(fc.oneof({ weight: 5, arbitrary: plainStep }, { weight: 1, arbitrary: loop }), { maxLength: 8 });
}

/** A program: a block, sometimes ended by a failure or a trap (so errors are exercised too). */
export const program: fc.Arbitrary<Program> = fc.tuple(block(2), fc.option(endingStep, { freq: 4 })).map(([steps, end]) => (end ? [...steps, end] : steps));

const wrap64 = (x: bigint) => Number(BigInt.asIntN(32, x));
const truncSat = (d: number) => (Number.isNaN(d) ? 0 : d >= 2147483647 ? 2147483647 : d <= -2147483648 ? -2147483648 : Math.trunc(d) | 0);
const TRAPS: Record<string, TrapKind> = { unreachable: 'unreachable', div0: 'divide-by-zero', oob: 'out-of-bounds-memory' };

class Stop {
  readonly outcome: Expected['outcome'];
  constructor(outcome: Expected['outcome']) {
    this.outcome = outcome;
  }
}

/** The oracle: what a correct runtime returns for `p` and which host functions it calls, in order. */
export function runModel(p: Program): Expected {
  const mem = new Int32Array(16);
  let acc = 0;
  let g = 0;
  const hostCalls: HostCall[] = [];
  const exec = (steps: Step[]): void => {
    for (const s of steps) {
      switch (s.op) {
        case 'const':
          acc = s.value | 0;
          break;
        case 'add':
          acc = (acc + s.value) | 0;
          break;
        case 'mul':
          acc = Math.imul(acc, s.value);
          break;
        case 'xor':
          acc = acc ^ s.value;
          break;
        case 'echo32':
          hostCalls.push({ fn: 'echo_i32', detail: acc });
          break;
        case 'echo64': {
          const x = BigInt.asIntN(64, BigInt(s.value));
          hostCalls.push({ fn: 'echo_i64', detail: x.toString() });
          acc = ((acc + wrap64(x)) | 0) ^ wrap64(BigInt.asUintN(64, x) >> 32n);
          break;
        }
        case 'echof64':
          hostCalls.push({ fn: 'echo_f64', detail: floatBits('f64', s.value) });
          acc = (acc + truncSat(s.value)) | 0;
          break;
        case 'sleep':
          hostCalls.push({ fn: 'sleep', detail: s.ms });
          break;
        case 'yield':
          hostCalls.push({ fn: 'yield' });
          break;
        case 'fail':
          hostCalls.push({ fn: 'fail', detail: s.code });
          throw new Stop({ kind: 'host-error', code: s.code });
        case 'store':
          mem[s.slot] = acc;
          break;
        case 'load':
          acc = (acc + mem[s.slot]!) | 0;
          break;
        case 'gset':
          g = acc;
          break;
        case 'gget':
          acc = (acc + g) | 0;
          break;
        case 'callf':
          if (s.fn === 0) acc = (Math.imul(acc, 3) + 1) | 0;
          else {
            hostCalls.push({ fn: 'echo_i32', detail: acc });
            acc = (acc + 7) | 0;
          }
          break;
        case 'trap':
          throw new Stop({ kind: 'trap', trap: TRAPS[s.kind]! });
        case 'loop':
          for (let i = 0; i < s.times; i++) exec(s.body);
          break;
      }
    }
  };
  try {
    exec(p);
  } catch (e) {
    if (e instanceof Stop) return { outcome: e.outcome, hostCalls };
    throw e;
  }
  return { outcome: { kind: 'ok', value: acc }, hostCalls };
}

/** Number of steps, loops and their bodies included: the size that shrinking minimises. */
export const stepCount = (p: Program): number => p.reduce((n, s) => n + 1 + (s.op === 'loop' ? stepCount(s.body) : 0), 0);
