/** Every benchmark `awc bench` knows, in report order, and the suite each belongs to. */
import { CMA_BENCHMARKS } from './component-async.ts';
import { OVERHEAD_BENCHMARKS, type BenchmarkDef } from './overhead.ts';

export const BENCHMARKS: readonly BenchmarkDef[] = [...OVERHEAD_BENCHMARKS, ...CMA_BENCHMARKS];

/** The suite name a benchmark is filed under in the report's filters. */
export const benchmarkSuite = (def: BenchmarkDef): string => (def.componentAsync ? 'component-async' : 'overhead');
