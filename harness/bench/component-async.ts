/**
 * The component-async benchmarks (ids `cma.*`): the native async ABI of the component model
 * (SPEC.md §14) on adapters that declare `componentAsync`, each an async-lifted export of
 * fixtures/component-async/bench.wat. Each names the overhead benchmark of the same work on the
 * sync-ABI component and the core module (`nextTo`), which `awc bench` prints beside it.
 */
import { i32 } from '../values.ts';
import type { BenchmarkDef } from './overhead.ts';

export const CMA_BENCH_GUEST = 'component-async/bench.wat';

const KIB = 1024;
const MIB = 1024 * KIB;
/** Bytes per stream write (and read) in the 16 MiB copy: a typical I/O buffer, 256 copies. */
const STREAM_CHUNK = 64 * KIB;

/**
 * Import calls per export call: few enough that one call stays short where each import costs a
 * timer tick (jco 1.35: about 1 ms, README), many enough to spread the call entry's cost thin.
 * ready-loop(n) calls ready-s32(n), …, ready-s32(1) and returns their sum.
 */
const READY_CALLS = 100;
const TURN_CALLS = 100;

const cma = (def: Omit<BenchmarkDef, 'fixture' | 'componentAsync'>): BenchmarkDef => ({ ...def, fixture: CMA_BENCH_GUEST, componentAsync: true });

export const CMA_BENCHMARKS: readonly BenchmarkDef[] = [
  cma({
    id: 'cma.call-entry',
    title: 'async-lifted call entry (task.return at once, no import)',
    export: 'const',
    args: [],
    opsPerIteration: 1,
    expect: 42,
    nextTo: 'overhead.call-entry-async',
  }),
  cma({
    id: 'cma.import-ready',
    title: 'async-lowered import completing at once (ready-s32; RETURNED without a subtask where the runtime allows)',
    export: 'ready-loop',
    args: [i32(READY_CALLS)],
    opsPerIteration: READY_CALLS,
    expect: (READY_CALLS * (READY_CALLS + 1)) / 2,
    note: { export: 'ready-subtasks', text: (n) => `in the checking call ${n} of ${READY_CALLS} ready-s32 calls gave a subtask (the rest RETURNED at once)` },
    nextTo: 'overhead.async-ready',
  }),
  cma({
    id: 'cma.import-next-turn',
    title: 'async-lowered import completing on a later turn (yield-turn: subtask, WAIT)',
    export: 'turn-loop',
    args: [i32(TURN_CALLS)],
    opsPerIteration: TURN_CALLS,
    expect: TURN_CALLS,
    nextTo: 'overhead.async-next-turn',
  }),
  cma({
    id: 'cma.stream-64k',
    title: 'stream<u8> copy of 64 KiB in one write/read (same component)',
    export: 'stream-copy',
    args: [i32(64 * KIB), i32(64 * KIB)],
    opsPerIteration: 1,
    bytesPerOp: 64 * KIB,
    expect: 64 * KIB,
  }),
  cma({
    id: 'cma.stream-16m',
    title: 'stream<u8> copy of 16 MiB in 64 KiB writes/reads (same component)',
    export: 'stream-copy',
    args: [i32(16 * MIB), i32(STREAM_CHUNK)],
    opsPerIteration: 1,
    bytesPerOp: 16 * MIB,
    expect: 16 * MIB,
  }),
];

/** MB/s (MB = 10^6 bytes) of an operation moving `bytesPerOp` bytes in `nsPerOp` ns. */
export const mbPerSecond = (bytesPerOp: number, nsPerOp: number): number => (bytesPerOp / nsPerOp) * 1e3;
