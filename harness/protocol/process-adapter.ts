/**
 * An Adapter reached through the wire protocol: any command that speaks it. describe() runs
 * the handshake once; each session is one adapter process, replaced by the runner when it dies.
 */
import {
  InstantiationFailure,
  type Adapter,
  type AdapterDescription,
  type BenchOptions,
  type BenchSample,
  type CallOptions,
  type Instance,
  type InstanceState,
  type InstantiateOptions,
  type ModuleHandle,
  type Session,
  type ComponentPackage,
  type TranspiledComponent,
  unavailableDescription,
} from '../adapter.ts';
import type { JsonOutcome, Outcome } from '../outcome.ts';
import { fromJsonValue, toJsonValue, type Value } from '../values.ts';
import { AdapterRequestError, ProtocolClient } from './client.ts';
import { PROTOCOL_VERSION, type HelloResult, type LoadParams } from './messages.ts';

const HELLO_TIMEOUT_MS = 30_000;
const LOAD_TIMEOUT_MS = 120_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** How long past a call's own deadline the adapter may take to report it, before it counts as hung. */
const DEADLINE_GRACE_MS = 3_000;
const CALL_TIMEOUT_WITHOUT_DEADLINE_MS = 60_000;
/** Calibration and the first checking call come on top of a bench's own budget. */
const BENCH_GRACE_MS = 30_000;

/** How to start an adapter: a command line, or the reason there is none on this machine. */
export type CommandResolution = { command: [string, ...string[]]; env?: NodeJS.ProcessEnv } | { unavailable: string };

export interface ProcessAdapterConfig {
  id: string;
  resolve(): Promise<CommandResolution>;
  /** Done in the harness before a component is sent (jco rows transpile here: jco runs on Node). */
  prepareComponent?(bytes: Uint8Array, bindings: 'async' | 'sync'): Promise<TranspiledComponent>;
  /** The bound on hello when it is not 30 s: a built-in row that starts slowly (a browser, cold) says so here. */
  helloTimeoutMs?: number;
}

/** Opens a client and performs the handshake; throws with the reason on any mismatch. */
async function handshake(
  command: string[],
  env: NodeJS.ProcessEnv | undefined,
  helloTimeoutMs = HELLO_TIMEOUT_MS,
): Promise<{ client: ProtocolClient; hello: HelloResult }> {
  const client = new ProtocolClient(command, env ? { env } : {});
  try {
    const hello = await client.request('hello', { protocolVersion: PROTOCOL_VERSION, harness: 'async-wasm-conformance' }, helloTimeoutMs);
    if (hello.protocolVersion !== PROTOCOL_VERSION)
      throw new Error(`protocol version mismatch: the harness speaks ${PROTOCOL_VERSION}, the adapter ${hello.protocolVersion}`);
    return { client, hello };
  } catch (err) {
    await client.close();
    throw err;
  }
}

/** `load` params for a component: its bytes, and the transpiled glue where the row needs it. */
export async function componentLoadParams(component: ComponentPackage, name: string, prepare: ProcessAdapterConfig['prepareComponent']): Promise<LoadParams> {
  const t = component.transpiled ?? (prepare ? await prepare(component.bytes, component.bindings ?? 'async') : undefined);
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  const transpiled = t && {
    glue: t.glue,
    transform: t.transform,
    coreModules: Object.fromEntries(Object.entries(t.coreModules).map(([file, bytes]) => [file, b64(bytes)])),
  };
  return { name, kind: 'component', wasm: b64(component.bytes), ...(transpiled ? { transpiled } : {}) };
}

/** An adapter behind the protocol; `prepareComponent` is there for tools that speak it directly (smoke). */
export interface ProcessAdapter extends Adapter {
  readonly prepareComponent?: ProcessAdapterConfig['prepareComponent'];
}

export function processAdapter(config: ProcessAdapterConfig): ProcessAdapter {
  let described: Promise<AdapterDescription> | undefined;
  const unavailable = (reason: string, command: [string, ...string[]] = ['(none)']): AdapterDescription =>
    unavailableDescription(config.id, reason, { command });

  async function describeOnce(): Promise<AdapterDescription> {
    const resolved = await config.resolve();
    if ('unavailable' in resolved) return unavailable(resolved.unavailable);
    try {
      const { client, hello } = await handshake(resolved.command, resolved.env, config.helloTimeoutMs);
      await client.close();
      return {
        id: config.id,
        available: true,
        engine: hello.engine,
        strategy: hello.strategy,
        features: hello.features,
        flags: hello.flags,
        process: { command: resolved.command },
      };
    } catch (err) {
      const reason = err instanceof AdapterRequestError ? `the adapter declined the handshake: ${err.message}` : `handshake failed: ${(err as Error).message}`;
      return unavailable(reason, resolved.command);
    }
  }

  return {
    id: config.id,
    ...(config.prepareComponent ? { prepareComponent: config.prepareComponent } : {}),
    describe: () => (described ??= describeOnce()),
    async open(): Promise<Session> {
      const resolved = await config.resolve();
      if ('unavailable' in resolved) throw new Error(resolved.unavailable);
      const { client } = await handshake(resolved.command, resolved.env, config.helloTimeoutMs);
      return new ProcessSession(client, config.prepareComponent);
    },
  };
}

/**
 * A session over a client whose handshake is done. `newCallId` names each call on the wire
 * (awc smoke, which speaks to the adapter directly too, names its own calls to cancel them).
 */
export class ProcessSession implements Session {
  private readonly client: ProtocolClient;
  private nextCall = 0;
  private readonly prepareComponent: ProcessAdapterConfig['prepareComponent'];
  private readonly newCallId: () => string;

  constructor(client: ProtocolClient, prepareComponent?: ProcessAdapterConfig['prepareComponent'], newCallId?: () => string) {
    this.client = client;
    this.prepareComponent = prepareComponent;
    this.newCallId = newCallId ?? (() => `c${++this.nextCall}`);
  }

  isAlive(): boolean {
    return this.client.alive;
  }

  failure(): Promise<Error | undefined> {
    return this.client.failed();
  }

  async load(wasm: Uint8Array, name: string): Promise<ModuleHandle> {
    const r = await this.client.request('load', { name, kind: 'module', wasm: Buffer.from(wasm).toString('base64') }, LOAD_TIMEOUT_MS);
    return r.transform ? { id: r.module, transform: r.transform } : { id: r.module };
  }

  async loadComponent(component: ComponentPackage, name: string): Promise<ModuleHandle> {
    const r = await this.client.request('load', await componentLoadParams(component, name, this.prepareComponent), LOAD_TIMEOUT_MS);
    return r.transform ? { id: r.module, transform: r.transform } : { id: r.module };
  }

  async instantiate(module: ModuleHandle, options: InstantiateOptions): Promise<ProcessInstance> {
    try {
      const r = await this.client.request('instantiate', { module: module.id, grants: options.grants ?? {}, limits: options.limits ?? {} }, REQUEST_TIMEOUT_MS);
      return new ProcessInstance(this.client, r.instance, this.newCallId);
    } catch (err) {
      if (err instanceof AdapterRequestError && err.code === 'instantiation-failed') throw new InstantiationFailure(err.message);
      throw err;
    }
  }

  async benchInstantiate(module: ModuleHandle, options: Pick<BenchOptions, 'budgetMs' | 'warmupMs'>): Promise<BenchSample[]> {
    const r = await this.client.request(
      'bench-instantiate',
      { module: module.id, budgetMs: options.budgetMs, warmupMs: options.warmupMs },
      options.budgetMs + options.warmupMs + BENCH_GRACE_MS,
    );
    return r.samples;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export class ProcessInstance implements Instance {
  private readonly client: ProtocolClient;
  /** The instance's id on the wire. */
  readonly id: string;
  private readonly newCallId: () => string;

  constructor(client: ProtocolClient, id: string, newCallId: () => string) {
    this.client = client;
    this.id = id;
    this.newCallId = newCallId;
  }

  async call(exportName: string, args: Value[], options: CallOptions): Promise<Outcome> {
    const call = this.newCallId();
    const params = {
      instance: this.id,
      call,
      export: exportName,
      args: args.map(toJsonValue),
      results: options.results,
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    };
    const onAbort = () => void this.client.request('cancel', { call }, REQUEST_TIMEOUT_MS).catch(() => {});
    // Cancelled already: the adapter still gets the call, with its cancel in the same write, and
    // must answer cancelled without entering the guest (CANCEL-BEFORE-START tests the adapter).
    const preAborted = options.signal?.aborted === true;
    if (!preAborted) options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const timeout = options.deadlineMs !== undefined ? options.deadlineMs + DEADLINE_GRACE_MS : CALL_TIMEOUT_WITHOUT_DEADLINE_MS;
      const r = await this.client.together(() => {
        const response = this.client.request('call', params, timeout);
        if (preAborted) onAbort();
        return response;
      });
      return outcomeFromJson(r.outcome);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async bench(exportName: string, args: Value[], options: BenchOptions): Promise<BenchSample[]> {
    const params = {
      instance: this.id,
      export: exportName,
      args: args.map(toJsonValue),
      results: options.results,
      budgetMs: options.budgetMs,
      warmupMs: options.warmupMs,
      plain: options.plain ?? false,
    };
    const r = await this.client.request('bench', params, options.budgetMs + options.warmupMs + BENCH_GRACE_MS);
    return r.samples;
  }

  inspect(): Promise<InstanceState> {
    return this.client.request('inspect', { instance: this.id }, REQUEST_TIMEOUT_MS);
  }

  async openGate(gate: number, value: number): Promise<void> {
    await this.client.request('open-gate', { instance: this.id, gate, value }, REQUEST_TIMEOUT_MS);
  }

  async dispose(): Promise<void> {
    if (this.client.alive) await this.client.request('dispose', { instance: this.id }, REQUEST_TIMEOUT_MS).catch(() => {});
  }
}

/** The wire outcome (already schema-checked by the client) as a typed Outcome. */
export function outcomeFromJson(o: JsonOutcome): Outcome {
  return o.kind === 'ok' ? { kind: 'ok', values: o.values.map(fromJsonValue) } : o;
}
