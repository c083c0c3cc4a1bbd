/**
 * Runs cases on adapters: one session per adapter, one case at a time, each under a timeout.
 * A failing, throwing or hanging case never stops the run; results come back in a stable order
 * (adapters in the order given, cases in the order given).
 */
import { featureTags, type Adapter, type AdapterDescription, type Features, type Instance, type Session } from './adapter.ts';
import type { Case, CaseContext, Evidence, HarnessEnvironment } from './case.ts';
import { findKnownFailure, loadExpectations, type Expectations } from './expectations.ts';
import { loadFixture } from './fixtures.ts';
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
}

export interface RunOutput {
  adapters: AdapterDescription[];
  results: CaseResult[];
}

const PLACEHOLDER_FEATURES: Features = {
  strategy: 'jspi',
  cancellation: 'none',
  fuel: false,
  memoryLimits: false,
  reentrancy: 'reject',
  postCancel: 'refused',
  coreModules: false,
  components: false,
};

/** describe() must not throw; if it does anyway the adapter is reported unavailable with the reason. */
async function describeSafely(adapter: Adapter): Promise<AdapterDescription> {
  try {
    return await adapter.describe();
  } catch (err) {
    return {
      id: adapter.id,
      available: false,
      reason: `describe() failed: ${(err as Error)?.message ?? String(err)}`,
      engine: { name: 'unknown', version: 'unknown' },
      strategy: PLACEHOLDER_FEATURES.strategy,
      features: PLACEHOLDER_FEATURES,
      flags: [],
      process: 'in-process',
    };
  }
}

export async function runCases(options: RunOptions): Promise<RunOutput> {
  const timeoutMs = options.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  const expectationsFor = options.expectationsFor ?? ((id: string) => loadExpectations(id));
  const total = options.adapters.length * options.cases.length;
  const descriptions: AdapterDescription[] = [];
  const results: CaseResult[] = [];
  const emit = (r: CaseResult) => {
    results.push(r);
    options.onResult?.(r, results.length, total);
  };

  for (const adapter of options.adapters) {
    const description = await describeSafely(adapter);
    descriptions.push(description);
    options.onAdapter?.(description);
    const base = (c: Case) => ({ caseId: c.id, adapterId: adapter.id, suite: c.suite, requirement: c.requirement, level: c.level });
    const reproduce = (c: Case) => options.reproduce?.(adapter.id, c.id);

    if (options.signal?.aborted) {
      for (const c of options.cases) emit(finish({ ...base(c), status: 'skipped', durationMs: 0, message: 'run interrupted before this adapter' }, reproduce(c)));
      continue;
    }
    if (!description.available) {
      for (const c of options.cases) emit(finish({ ...base(c), status: 'unavailable', durationMs: 0, message: description.reason ?? 'adapter unavailable' }, reproduce(c)));
      continue;
    }
    let session: Session;
    let expectations: Expectations;
    try {
      expectations = await expectationsFor(adapter.id);
      session = await adapter.open({ httpOrigin: options.env.httpOrigin });
    } catch (err) {
      const message = `could not start the adapter: ${(err as Error)?.message ?? String(err)}`;
      for (const c of options.cases) emit(finish({ ...base(c), status: 'error', durationMs: 0, message }, reproduce(c)));
      continue;
    }
    const tags = featureTags(description.features);
    try {
      for (const c of options.cases) {
        if (options.signal?.aborted) {
          emit(finish({ ...base(c), status: 'skipped', durationMs: 0, message: 'run interrupted before this case' }, reproduce(c)));
          continue;
        }
        const missing = c.requires.filter((t) => !tags.has(t));
        if (missing.length > 0) {
          emit(finish({ ...base(c), status: 'unsupported', durationMs: 0, message: `adapter lacks feature(s): ${missing.join(', ')}` }, reproduce(c)));
          continue;
        }
        const outcome = await runOne(c, description, session, options.env, c.timeoutMs ?? timeoutMs);
        emit(finish(applyExpectations({ ...base(c), ...outcome }, expectations), reproduce(c)));
        // A process adapter that died, or may be wedged after a timeout, is replaced for the next case.
        if (session.isAlive && (!session.isAlive() || outcome.status === 'timeout')) {
          await session.close().catch(() => {});
          try {
            session = await adapter.open({ httpOrigin: options.env.httpOrigin });
          } catch (err) {
            const message = `could not restart the adapter: ${(err as Error)?.message ?? String(err)}`;
            for (const rest of options.cases.slice(options.cases.indexOf(c) + 1)) emit(finish({ ...base(rest), status: 'error', durationMs: 0, message }, reproduce(rest)));
            break;
          }
        }
      }
    } finally {
      await session.close().catch(() => {});
    }
  }
  return { adapters: descriptions, results };
}

type RunOneResult = { status: Status; durationMs: number; message?: string; evidence?: Evidence };

async function runOne(c: Case, adapter: AdapterDescription, session: Session, env: HarnessEnvironment, timeoutMs: number): Promise<RunOneResult> {
  const instances: Instance[] = [];
  const controller = new AbortController();
  const ctx: CaseContext = {
    adapter,
    session,
    env,
    signal: controller.signal,
    async instantiate(fixture, opts = {}) {
      const module = await session.load(await loadFixture(fixture), fixture);
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
  try {
    // A case that never settles is a timeout, never a pass.
    const verdict = await Promise.race([c.run(ctx), timedOut]);
    const durationMs = performance.now() - started;
    if (verdict === 'timeout') {
      controller.abort();
      return { status: 'timeout', durationMs, message: `case did not finish within ${timeoutMs} ms` };
    }
    if (verdict.pass) return { status: 'pass', durationMs, ...(verdict.evidence ? { evidence: verdict.evidence } : {}) };
    return { status: 'fail', durationMs, message: verdict.message, ...(verdict.evidence ? { evidence: verdict.evidence } : {}) };
  } catch (err) {
    const e = err as Error & { evidence?: Evidence };
    const result: RunOneResult = { status: 'error', durationMs: performance.now() - started, message: `case threw: ${e?.name ?? 'Error'}: ${e?.message ?? String(err)}` };
    // Errors from adapter processes carry evidence of their own (the adapter's stderr tail).
    if (e?.evidence && typeof e.evidence === 'object') result.evidence = e.evidence;
    return result;
  } finally {
    clearTimeout(timer);
    await Promise.all(instances.map((i) => i.dispose().catch(() => {})));
  }
}

function applyExpectations(result: Omit<CaseResult, 'reproduce'>, expectations: Expectations): Omit<CaseResult, 'reproduce'> {
  const known = findKnownFailure(expectations, result.caseId);
  if (!known) return result;
  const note = `known failure: ${known.reason}${known.link ? ` (${known.link})` : ''}`;
  if (result.status === 'fail' || result.status === 'timeout') {
    return { ...result, status: 'expected-fail', message: `${note} — ${result.message ?? result.status}` };
  }
  if (result.status === 'pass') return { ...result, status: 'unexpected-pass', message: `listed as a known failure but passed; remove the entry if fixed (${note})` };
  return result;
}

function finish(result: Omit<CaseResult, 'reproduce'>, reproduce: string | undefined): CaseResult {
  const r: CaseResult = { ...result, durationMs: Math.round(result.durationMs * 1000) / 1000 };
  if (r.status !== 'pass' && reproduce) r.reproduce = reproduce;
  return r;
}
