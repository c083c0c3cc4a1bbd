/** An instantiated component behind jco's glue: the Instance contract over the glue's exports. */
import type { BenchOptions, BenchSample, CallOptions, Instance } from '../../../harness/adapter.ts';
import type { Outcome } from '../../../harness/outcome.ts';
import type { Value } from '../../../harness/values.ts';
import { benchBatches } from '../../../harness/bench/batches.ts';
import type { CancelledError } from '../host/errors.ts';
import type { Host } from '../host/host.ts';
import { HostedInstance } from '../calls.ts';
import { resultValues } from '../instance.ts';
import { normaliseError } from '../normalise.ts';
import type { CallTracker } from '../strategies/strategy.ts';

type Exports = Record<string, unknown>;

/** How long a cancelled or overdue call may take to settle before the harness gives up on it. */
const SETTLE_GRACE_MS = 2_000;

/** WIT export names (kebab-case) as jco names them in JS (camelCase). */
export const jsExportName = (wit: string): string => wit.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/**
 * An export that returned `err(host-error)` makes jco throw an error whose `payload` is the
 * record; that is a host error that crossed the guest, like HostError for core modules (or a
 * denial, like DeniedError, when the record names a capability).
 */
export function normaliseComponentError(err: unknown, elapsedMs: number): Outcome {
  const payload = (err as { payload?: unknown } | null)?.payload as { function?: unknown; code?: unknown; message?: unknown; capability?: unknown } | undefined;
  if (payload && typeof payload.code === 'number') {
    const [fn, message] = [String(payload.function ?? '?'), String(payload.message ?? '')];
    // A denial names its capability (WIT option<string>: undefined when none).
    if (typeof payload.capability === 'string') return { kind: 'denied', function: fn, capability: payload.capability, message };
    return { kind: 'host-error', function: fn, code: payload.code, message };
  }
  return normaliseError(err, elapsedMs);
}

export class ComponentInstance extends HostedInstance implements Instance {
  private readonly exports: Exports;
  private readonly tracker: CallTracker;

  constructor(exports: Exports, host: Host, tracker: CallTracker) {
    super(host);
    this.exports = exports;
    this.tracker = tracker;
  }

  private exported(name: string): Function | undefined {
    const fn = this.exports[jsExportName(name)];
    return typeof fn === 'function' ? fn : undefined;
  }

  async call(exportName: string, args: Value[], options: CallOptions): Promise<Outcome> {
    this.ensureLive();
    const exported = this.exported(exportName);
    if (!exported) return { kind: 'engine-error', name: 'MissingExport', message: `the component exports no function ${JSON.stringify(exportName)}` };
    // jco's JSPI glue never settles an export whose async import rejected (SPEC.md §13): once
    // a call is cancelled or past its deadline, it gets a bounded grace to settle, then the
    // harness stops waiting and says so instead of hanging.
    let giveUp: ((o: Outcome) => void) | undefined;
    const stuck = new Promise<Outcome>((resolve) => (giveUp = resolve));
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const onCancel = (reason: CancelledError) => {
      graceTimer ??= setTimeout(
        () =>
          giveUp!({
            kind: 'engine-error',
            name: 'NeverSettled',
            message: `the call did not settle within ${SETTLE_GRACE_MS} ms after it was ${reason.reason === 'timeout' ? 'past its deadline' : 'cancelled'} (${reason.message})`,
          }),
        SETTLE_GRACE_MS,
      );
    };
    return this.track(
      options,
      async (callId) => {
        const started = performance.now();
        // Host operations are charged to the latest call entered. jco runs one call per instance
        // at a time, so with queued calls an operation may be charged to a later one (SPEC.md §13).
        this.tracker.current = callId;
        const run = (async (): Promise<Outcome> => {
          try {
            const raw = await exported(...args.map((v) => v.value));
            return { kind: 'ok', values: resultValues(options.results, raw) };
          } catch (err) {
            return normaliseComponentError(err, performance.now() - started);
          }
        })();
        try {
          return await Promise.race([run, stuck]);
        } finally {
          clearTimeout(graceTimer);
        }
      },
      onCancel,
    );
  }

  async bench(exportName: string, args: Value[], options: BenchOptions): Promise<BenchSample[]> {
    const exported = this.exported(exportName);
    if (!exported) throw new Error(`the component exports no function ${JSON.stringify(exportName)}`);
    const first = await this.call(exportName, args, { results: options.results });
    if (first.kind !== 'ok') throw new Error(`${exportName} does not succeed: ${JSON.stringify(first)}`);
    const raw = args.map((v) => v.value);
    // Plain: the glue of a synchronous transpile returns the value itself; no await to pay for.
    if (options.plain) return benchBatches(() => void exported(...raw), options);
    return benchBatches(async () => {
      await exported(...raw);
    }, options);
  }
}
