/** An instantiated guest in a JS engine: the Instance contract over any Strategy and the JS host. */
import type { BenchOptions, BenchSample, CallOptions, Instance } from '../../harness/adapter.ts';
import { benchBatches } from '../../harness/bench/batches.ts';
import type { Outcome } from '../../harness/outcome.ts';
import { fromJs, type Value } from '../../harness/values.ts';
import { HostedInstance } from './calls.ts';
import type { Host } from './host/host.ts';
import { normaliseError } from './normalise.ts';
import { argumentMismatch, type Signature } from './signatures.ts';
import type { CallTracker, Strategy } from './strategies/strategy.ts';

const toRaw = (v: Value): number | bigint => v.value;

export class JsInstance extends HostedInstance implements Instance {
  private readonly instance: WebAssembly.Instance;
  private readonly strategy: Strategy;
  private readonly tracker: CallTracker;
  /** Export signatures from the module binary; null when it could not be read (then only the count is checked). */
  private readonly signatures: Map<string, Signature> | null;

  constructor(instance: WebAssembly.Instance, host: Host, strategy: Strategy, tracker: CallTracker, signatures: Map<string, Signature> | null = null) {
    super(host);
    this.instance = instance;
    this.strategy = strategy;
    this.tracker = tracker;
    this.signatures = signatures;
  }

  /** Why these arguments cannot be passed: JS would coerce them (a missing one becomes 0). */
  private badArguments(exportName: string, exported: Function, args: Value[]): string | undefined {
    const sig = this.signatures?.get(exportName);
    if (sig) return argumentMismatch(exportName, sig, args);
    // An exported wasm function's length is its parameter count.
    return args.length === exported.length ? undefined : `${exportName} takes ${exported.length} argument(s), the call gave ${args.length}`;
  }

  async call(exportName: string, args: Value[], options: CallOptions): Promise<Outcome> {
    this.ensureLive();
    const exported = this.instance.exports[exportName];
    if (typeof exported !== 'function')
      return { kind: 'engine-error', name: 'MissingExport', message: `the guest exports no function ${JSON.stringify(exportName)}` };
    const mismatch = this.badArguments(exportName, exported, args);
    if (mismatch) return { kind: 'engine-error', name: 'BadArguments', message: mismatch };
    return this.track(options, async (callId) => {
      const started = performance.now();
      try {
        const raw = await this.strategy.start(exported, args.map(toRaw), this.tracker, callId);
        return { kind: 'ok', values: resultValues(options.results, raw) };
      } catch (err) {
        return normaliseError(err, performance.now() - started);
      }
    });
  }

  async bench(exportName: string, args: Value[], options: BenchOptions): Promise<BenchSample[]> {
    this.ensureLive();
    const exported = this.instance.exports[exportName];
    if (typeof exported !== 'function') throw new Error(`the guest exports no function ${JSON.stringify(exportName)}`);
    const raw = args.map(toRaw);
    // Check once through the normal path that the export succeeds; the loop itself does not look.
    const first = await this.call(exportName, args, { results: options.results });
    if (first.kind !== 'ok') throw new Error(`${exportName} does not succeed: ${JSON.stringify(first)}`);
    if (options.plain) return benchBatches(() => void exported(...raw), options);
    return benchBatches(async () => {
      await this.strategy.start(exported, raw, this.tracker, ++this.nextCall);
    }, options);
  }
}

/** The JS value(s) an export returned, typed as the caller expects (shared by core and component instances). */
export function resultValues(types: CallOptions['results'], raw: unknown): Value[] {
  if (types.length === 0) {
    if (raw !== undefined) throw new TypeError(`expected no result, got ${String(raw)}`);
    return [];
  }
  if (types.length === 1) return [fromJs(types[0]!, raw)];
  if (!Array.isArray(raw) || raw.length !== types.length) throw new TypeError(`expected ${types.length} results`);
  return types.map((t, i) => fromJs(t, raw[i]));
}
