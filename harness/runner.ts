/**
 * Runs cases on adapters: one session per adapter, one case at a time, each under a timeout.
 * A failing, throwing or hanging case never stops the run; results come back in a stable order
 * (adapters in the order given, cases in the order given).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { featureTags, unavailableDescription, type Adapter, type AdapterDescription, type Instance, type Session, type TransformEvidence } from './adapter.ts';
import type { Case, CaseContext, Evidence, HarnessEnvironment, PropertySettings } from './case.ts';
import { findKnownFailure, loadExpectations, type Expectations } from './expectations.ts';
import { loadFixture } from './fixtures.ts';
import { loadComponentFixture } from './components.ts';
import type { CaseResult, Status } from './report/types.ts';

export const DEFAULT_CASE_TIMEOUT_MS = 15_000;

export interface RunOptions {
  adapters: Adapter[];
  cases: Case[];
  env: HarnessEnvironment;
  caseTimeoutMs?: number;
  /** Defaults to reading adapters/expectations/<id>.json. */
  expectationsFor?: (adapterId: string) => Promise<Expectations>;
  /** Builds the command line that reruns one case. */
  reproduce?: (adapterId: string, caseId: string) => string;
  onAdapter?: (description: AdapterDescription) => void;
  onResult?: (result: CaseResult, index: number, total: number) => void;
  /** When aborted (Ctrl-C), the cases not yet run are reported `skipped` and the run ends normally. */
  signal?: AbortSignal;
  /** When aborted (a second Ctrl-C, SIGTERM), the cases in flight end at once as `skipped` too. */
  cut?: AbortSignal;
  /**
   * An unhandled promise rejection that no running case can be charged with (it came from
   * outside any case, or from a case already reported). Default: a warning on stderr.
   */
  onStrayRejection?: (message: string) => void;
  /** How many adapters run at the same time (default 1). */
  jobs?: number;
  /**
   * Run only shard `index` of `count`: (adapter, case) pair k, counted adapter by adapter in the
   * given order, belongs to shard (k mod count) + 1. Pairs of other shards are left out entirely,
   * so merging every shard gives exactly the unsharded result set.
   */
  shard?: { index: number; count: number };
  properties?: PropertySettings;
}

export const DEFAULT_PROPERTY_RUNS = 100;
const DEFAULT_PROPERTY_SETTINGS: PropertySettings = { runs: DEFAULT_PROPERTY_RUNS, seed: 1 };

export interface RunOutput {
  adapters: AdapterDescription[];
  results: CaseResult[];
}

/** describe() must not throw; if it does anyway the adapter is reported unavailable with the reason. */
async function describeSafely(adapter: Adapter): Promise<AdapterDescription> {
  try {
    return await adapter.describe();
  } catch (err) {
    return unavailableDescription(adapter.id, `describe() failed: ${(err as Error)?.message ?? String(err)}`, 'in-process');
  }
}

/**
 * The case whose code is running. Node runs an 'unhandledRejection' listener in the async
 * context of the promise that was rejected, so a rejection a case left unhandled (a call it
 * started and never awaited) is charged to that very case, even with several adapters in parallel.
 */
interface CaseScope {
  caseId: string;
  adapterId: string;
  strays: Set<unknown>;
  reported: boolean;
}
const caseScope = new AsyncLocalStorage<CaseScope>();

/** True in the async context of a running case (for process-level listeners: the runner charges those rejections itself). */
export const insideCase = (): boolean => caseScope.getStore() !== undefined;

const describeReason = (reason: unknown) => (reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));

/** While a run is on, an unhandled rejection never ends the process: it becomes its case's `error`. */
function catchStrayRejections(options: RunOptions): () => void {
  const onRejection = (reason: unknown) => {
    const scope = caseScope.getStore();
    if (scope && !scope.reported) {
      scope.strays.add(reason);
      return;
    }
    const where = scope ? `case ${scope.caseId} on ${scope.adapterId}, after it was reported` : 'outside any case';
    const message = `an unhandled promise rejection (${where}): ${describeReason(reason)}`;
    // Another listener (the CLI's safety net) reports rejections from outside the cases.
    if (!scope && process.listenerCount('unhandledRejection') > 1) return;
    (options.onStrayRejection ?? ((m: string) => process.stderr.write(`warning: ${m}\n`)))(message);
  };
  process.on('unhandledRejection', onRejection);
  return () => process.off('unhandledRejection', onRejection);
}

export async function runCases(options: RunOptions): Promise<RunOutput> {
  const release = catchStrayRejections(options);
  try {
    return await runAll(options);
  } finally {
    release();
  }
}

async function runAll(options: RunOptions): Promise<RunOutput> {
  const total = options.adapters.length * options.cases.length;
  let emitted = 0;
  const perAdapter: { description: AdapterDescription; results: CaseResult[] }[] = new Array(options.adapters.length);
  let next = 0;
  // Adapters run `jobs` at a time; results are put back in adapter order, so the report does not depend on jobs.
  const worker = async () => {
    while (next < options.adapters.length) {
      const index = next++;
      const results: CaseResult[] = [];
      const cases = options.shard
        ? options.cases.filter((_, i) => (index * options.cases.length + i) % options.shard!.count === options.shard!.index - 1)
        : options.cases;
      const description = await runAdapter(options.adapters[index]!, { ...options, cases }, (r) => {
        results.push(r);
        options.onResult?.(r, ++emitted, total);
      });
      perAdapter[index] = { description, results };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs ?? 1, options.adapters.length)) }, worker));
  return { adapters: perAdapter.map((a) => a.description), results: perAdapter.flatMap((a) => a.results) };
}

/** Every selected case on one adapter, one at a time, in case order. */
async function runAdapter(adapter: Adapter, options: RunOptions, emit: (r: CaseResult) => void): Promise<AdapterDescription> {
  const timeoutMs = options.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  const expectationsFor = options.expectationsFor ?? ((id: string) => loadExpectations(id));
  const description = await describeSafely(adapter);
  options.onAdapter?.(description);
  const base = (c: Case) => ({ caseId: c.id, adapterId: adapter.id, suite: c.suite, requirement: c.requirement, level: c.level });
  const reproduce = (c: Case) => options.reproduce?.(adapter.id, c.id);
  const emitAll = (cases: readonly Case[], status: Status, message: string) => {
    for (const c of cases) emit(finish({ ...base(c), status, durationMs: 0, message }, reproduce(c)));
  };

  if (options.signal?.aborted) {
    emitAll(options.cases, 'skipped', 'run interrupted before this adapter');
    return description;
  }
  if (!description.available) {
    emitAll(options.cases, 'unavailable', description.reason ?? 'adapter unavailable');
    return description;
  }
  let session: Session;
  let expectations: Expectations;
  try {
    expectations = await expectationsFor(adapter.id);
    session = await adapter.open({ httpOrigin: options.env.httpOrigin });
  } catch (err) {
    emitAll(options.cases, 'error', `could not start the adapter: ${(err as Error)?.message ?? String(err)}`);
    return description;
  }
  const tags = featureTags(description.features);
  const transforms: TransformLog = new Map();
  try {
    for (const [i, c] of options.cases.entries()) {
      if (options.signal?.aborted) {
        emitAll([c], 'skipped', 'run interrupted before this case');
        continue;
      }
      const missing = c.requires.filter((t) => !tags.has(t));
      if (missing.length > 0) {
        emitAll([c], 'unsupported', `adapter lacks feature(s): ${missing.join(', ')}`);
        continue;
      }
      const lacking = (c.builtins ?? []).filter((b) => description.features.componentAsyncLacks?.includes(b));
      if (lacking.length > 0) {
        emitAll([c], 'unsupported', `adapter lacks component-async built-in(s): ${lacking.join(', ')}`);
        continue;
      }
      const scope: CaseScope = { caseId: c.id, adapterId: adapter.id, strays: new Set(), reported: false };
      const outcome = await caseScope.run(scope, () =>
        runOne(c, {
          adapter: description,
          session,
          env: options.env,
          timeoutMs: c.timeoutMs ?? timeoutMs,
          properties: options.properties ?? DEFAULT_PROPERTY_SETTINGS,
          transforms,
          ...(options.cut ? { cut: options.cut } : {}),
        }),
      );
      await chargeFailures(outcome, scope, session);
      scope.reported = true;
      emit(finish(applyExpectations({ ...base(c), ...outcome }, expectations), reproduce(c)));
      // A process adapter that died, or may be wedged after a timeout, is replaced for the next case
      // (not when interrupted: the remaining cases are skipped).
      if (session.isAlive && (!session.isAlive() || outcome.status === 'timeout') && !options.signal?.aborted) {
        await session.close().catch(() => {});
        try {
          session = await adapter.open({ httpOrigin: options.env.httpOrigin });
        } catch (err) {
          emitAll(options.cases.slice(i + 1), 'error', `could not restart the adapter: ${(err as Error)?.message ?? String(err)}`);
          break;
        }
      }
    }
  } finally {
    await session.close().catch(() => {});
  }
  if (transforms.size === 0) return description;
  return { ...description, transforms: [...transforms].sort(([a], [b]) => a.localeCompare(b)).map(([module, t]) => ({ module, ...t })) };
}

type RunOneResult = { status: Status; durationMs: number; message?: string; evidence?: Evidence };

/**
 * What went wrong beside the case's own verdict: its adapter process failed during the case
 * (a duplicate answer after the case had its result, a crash while a call nobody awaited was
 * in flight), or a promise it started was rejected unhandled. Either makes the case `error`,
 * whatever it concluded; a case cut by an interrupt stays `skipped`.
 */
async function chargeFailures(outcome: RunOneResult, scope: CaseScope, session: Session): Promise<void> {
  if (outcome.status === 'skipped') return;
  // An unhandled rejection surfaces after the microtasks of the turn it happened in.
  await new Promise((resolve) => setImmediate(resolve));
  const died = await session.failure?.().catch(() => undefined);
  const problems: string[] = [];
  if (died) problems.push(`the adapter process failed during the case: ${died.message}`);
  for (const stray of scope.strays) if (stray !== died) problems.push(`a promise the case started was rejected and never handled: ${describeReason(stray)}`);
  if (problems.length === 0) return;
  if (outcome.status === 'error' && died && outcome.message?.includes(died.message.split('\n')[0]!)) return;
  const verdict = outcome.status === 'error' ? outcome.message : `its own verdict was ${outcome.status}${outcome.message ? `: ${outcome.message}` : ''}`;
  outcome.message = `${problems.join('; ')} (${verdict})`;
  outcome.status = 'error';
  const tail = (died as { stderrTail?: unknown } | undefined)?.stderrTail;
  if (typeof tail === 'string') outcome.evidence = { ...outcome.evidence, stderrTail: tail };
}

/**
 * Evidence as plain JSON data, whatever a case put in it: a cycle becomes "[circular]", a bigint
 * its decimal text, a function or undefined is left out. A case's slip must show in its result,
 * not crash the run and lose the whole report.
 */
export function plainEvidence(evidence: Evidence): Evidence {
  const ancestors = new Set<object>();
  const plain = (value: unknown): unknown => {
    if (typeof value === 'bigint') return value.toString();
    if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
    if (ancestors.has(value)) return '[circular]';
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return plain((value as { toJSON(): unknown }).toJSON());
    ancestors.add(value);
    try {
      if (Array.isArray(value)) return value.map((v) => plain(v) ?? null);
      return Object.fromEntries(
        Object.entries(value)
          .map(([k, v]) => [k, plain(v)])
          .filter(([, v]) => v !== undefined),
      );
    } finally {
      ancestors.delete(value);
    }
  };
  return plain(evidence) as Evidence;
}

/** Load-time transformations an adapter applied, by module name (evidence of what a strategy costs in code size). */
type TransformLog = Map<string, TransformEvidence>;

/** What one case runs with: its adapter's session and description, the host environment, limits. */
interface CaseRun {
  adapter: AdapterDescription;
  session: Session;
  env: HarnessEnvironment;
  timeoutMs: number;
  properties: PropertySettings;
  /** Where transforms the adapter applied are logged for the report. */
  transforms: TransformLog;
  /** Aborted when the run is interrupted: the case is cut short (`skipped`). */
  cut?: AbortSignal;
}

async function runOne(c: Case, { adapter, session, env, timeoutMs, properties, transforms, cut }: CaseRun): Promise<RunOneResult> {
  const instances: Instance[] = [];
  const controller = new AbortController();
  const ctx: CaseContext = {
    adapter,
    session,
    env,
    properties,
    signal: controller.signal,
    async instantiate(fixture, opts = {}) {
      return ctx.instantiateWasm(await loadFixture(fixture), fixture, opts);
    },
    async instantiateComponent(fixture, opts = {}) {
      if (!session.loadComponent) throw new Error(`${adapter.id} cannot load components`);
      const module = await session.loadComponent({ bytes: await loadComponentFixture(fixture) }, fixture);
      if (module.transform) transforms.set(fixture, module.transform);
      const instance = await session.instantiate(module, opts);
      instances.push(instance);
      return instance;
    },
    async instantiateWasm(wasm, name, { oneOff = false, ...opts } = {}) {
      const module = await session.load(wasm, name);
      if (module.transform && !oneOff) transforms.set(name, module.transform);
      const instance = await session.instantiate(module, opts);
      instances.push(instance);
      return instance;
    },
  };
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  let onCut: (() => void) | undefined;
  const wasCut = new Promise<'cut'>((resolve) => {
    onCut = () => resolve('cut');
    if (cut?.aborted) onCut();
    else cut?.addEventListener('abort', onCut, { once: true });
  });
  try {
    // A case that never settles is a timeout, never a pass.
    const verdict = await Promise.race([c.run(ctx), timedOut, wasCut]);
    const durationMs = performance.now() - started;
    if (verdict === 'timeout') {
      controller.abort();
      return { status: 'timeout', durationMs, message: `case did not finish within ${timeoutMs} ms` };
    }
    if (verdict === 'cut') {
      controller.abort();
      return { status: 'skipped', durationMs, message: 'run interrupted while this case ran: it was cut short' };
    }
    if (verdict.pass) return { status: 'pass', durationMs, ...(verdict.evidence ? { evidence: plainEvidence(verdict.evidence) } : {}) };
    return { status: 'fail', durationMs, message: verdict.message, ...(verdict.evidence ? { evidence: plainEvidence(verdict.evidence) } : {}) };
  } catch (err) {
    const e = err as Error & { evidence?: Evidence };
    const result: RunOneResult = {
      status: 'error',
      durationMs: performance.now() - started,
      message: `case threw: ${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`,
    };
    // Errors from adapter processes carry evidence of their own (the adapter's stderr tail).
    if (e?.evidence && typeof e.evidence === 'object') result.evidence = plainEvidence(e.evidence);
    return result;
  } finally {
    clearTimeout(timer);
    if (onCut) cut?.removeEventListener('abort', onCut);
    const disposed = Promise.all(instances.map((i) => i.dispose().catch(() => {})));
    // Cut short: do not wait for an adapter that may be wedged (it is being killed).
    if (!cut?.aborted) await disposed;
  }
}

function applyExpectations(result: Omit<CaseResult, 'reproduce'>, expectations: Expectations): Omit<CaseResult, 'reproduce'> {
  const known = findKnownFailure(expectations, result.caseId);
  if (!known) return result;
  const note = `known failure: ${known.reason}${known.link ? ` (${known.link})` : ''}`;
  if (result.status === 'fail' || result.status === 'timeout' || (result.status === 'error' && known.error)) {
    return { ...result, status: 'expected-fail', message: `${note} — ${result.message ?? result.status}` };
  }
  if (result.status === 'pass' && known.intermittent)
    return { ...result, message: `listed as an intermittent known failure; it did not show this time (${note})` };
  if (result.status === 'pass')
    return { ...result, status: 'unexpected-pass', message: `listed as a known failure but passed; remove the entry if fixed (${note})` };
  return result;
}

function finish(result: Omit<CaseResult, 'reproduce'>, reproduce: string | undefined): CaseResult {
  const r: CaseResult = { ...result, durationMs: Math.round(result.durationMs * 1000) / 1000 };
  if (r.status !== 'pass' && reproduce) r.reproduce = reproduce;
  return r;
}
