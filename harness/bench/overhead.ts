/** The overhead benchmarks (suite `overhead`): what an async host crossing costs, per adapter. */
import { i32, type Value } from '../values.ts';

export interface BenchmarkDef {
  id: string;
  title: string;
  fixture: string;
  export: string;
  args: Value[];
  /** Host crossings (or calls) per export call: samples are divided by it. */
  opsPerIteration: number;
  /** Call the export directly, bypassing the async call path (only for exports that never suspend). */
  plain?: boolean;
  /** Timed in the harness around the adapter contract instead of inside the runtime (protocol round trip). */
  harnessSide?: boolean;
  /** Measures instantiating the fixture instead of calling `export`. */
  instantiate?: boolean;
  /**
   * The same measurement on adapters that take components (jco rows): an export of the guest
   * component. `plain` there means the glue of a synchronous transpile (no JSPI at all).
   * Absent: the benchmark is unsupported on component-only adapters.
   */
  component?: { export: string; args: Value[]; opsPerIteration: number; plain?: boolean };
  /** Only meaningful for components (no core-module variant). */
  componentOnly?: boolean;
  /**
   * Native component async (harness/bench/component-async.ts): `fixture` is a component-level WAT
   * and `export` an async-lifted export of it; run only on adapters that declare `componentAsync`.
   */
  componentAsync?: boolean;
  /** Bytes one operation moves (streams): the result gets MB/s, derived from its median. */
  bytesPerOp?: number;
  /** The benchmark of the same work on the sync-ABI component and the core module, shown beside this one. */
  nextTo?: string;
  /** The u32 one call must return; checked by the harness with one call before measuring. */
  expect?: number;
  /** After that call: an export whose u32 result, put in words by `text`, becomes the result's message (evidence of the path taken). */
  note?: { export: string; text: (value: number) => string };
}

/** The guest component the component variants call (fixtures/components/guest.wat). */
export const COMPONENT_GUEST = 'components/guest.wat';

const CROSSINGS = 'overhead/crossings.wat';
export const FLOOR_ID = 'overhead.sync-import';

export const OVERHEAD_BENCHMARKS: readonly BenchmarkDef[] = [
  {
    id: FLOOR_ID,
    title: 'sync import crossing (the floor)',
    fixture: CROSSINGS,
    export: 'sync_loop',
    args: [i32(1000)],
    opsPerIteration: 1000,
    component: { export: 'sync-loop', args: [i32(1000)], opsPerIteration: 1000 },
  },
  {
    id: 'overhead.async-ready',
    title: 'async import, already resolved',
    fixture: CROSSINGS,
    export: 'ready_loop',
    args: [i32(1000)],
    opsPerIteration: 1000,
    component: { export: 'ready-loop', args: [i32(1000)], opsPerIteration: 1000 },
  },
  {
    id: 'overhead.async-next-turn',
    title: 'async import completing on the next turn',
    fixture: CROSSINGS,
    export: 'turn_loop',
    args: [i32(100)],
    opsPerIteration: 100,
    component: { export: 'turn-loop', args: [i32(100)], opsPerIteration: 100 },
  },
  {
    id: 'overhead.sleep-1ms',
    title: 'sleep(1 ms): time per sleep (minus 1 ms = overshoot)',
    fixture: CROSSINGS,
    export: 'sleep_loop',
    args: [i32(5), i32(1)],
    opsPerIteration: 5,
  },
  {
    id: 'overhead.call-entry-async',
    title: 'call entry through the async path (no crossing)',
    fixture: CROSSINGS,
    export: 'const',
    args: [],
    opsPerIteration: 1,
    component: { export: 'const', args: [], opsPerIteration: 1 },
  },
  {
    id: 'overhead.call-entry-plain',
    title: 'call entry through the plain path (no crossing)',
    fixture: CROSSINGS,
    export: 'const',
    args: [],
    opsPerIteration: 1,
    plain: true,
    component: { export: 'const', args: [], opsPerIteration: 1, plain: true },
  },
  {
    id: 'overhead.sync-import-plain',
    title: 'sync import crossing through the glue of a synchronous transpile (components)',
    fixture: CROSSINGS,
    export: 'sync_loop',
    args: [i32(1000)],
    opsPerIteration: 1000,
    componentOnly: true,
    component: { export: 'sync-loop', args: [i32(1000)], opsPerIteration: 1000, plain: true },
  },
  {
    id: 'overhead.instantiate',
    title: 'instantiate the crossings module with the full host ABI',
    fixture: CROSSINGS,
    export: '',
    args: [],
    opsPerIteration: 1,
    instantiate: true,
    component: { export: '', args: [], opsPerIteration: 1 },
  },
  {
    id: 'overhead.protocol-round-trip',
    title: 'one trivial call through the adapter contract, timed by the harness',
    fixture: CROSSINGS,
    export: 'const',
    args: [],
    opsPerIteration: 1,
    harnessSide: true,
    component: { export: 'const', args: [], opsPerIteration: 1 },
  },
];
