/**
 * The adapter side of the wire protocol for any Session: reads requests, serves them
 * concurrently (a call in flight never blocks a cancel or an inspect), writes responses.
 * Engine-neutral: the caller supplies line input and output.
 */
import type { Instance, ModuleHandle, Session } from '../../../harness/adapter.ts';
import { InstantiationFailure, UnknownInstanceError } from '../../../harness/adapter.ts';
import { outcomeToJson } from '../../../harness/outcome.ts';
import { fromJsonValue } from '../../../harness/values.ts';
import {
  PROTOCOL_VERSION,
  violation,
  type ErrorCode,
  type HelloResult,
  type Method,
  type ParamsOf,
  type Request,
  type ResultOf,
} from '../../../harness/protocol/messages.ts';

class ProtocolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface AgentIO {
  write(line: string): void;
  exit(code: number): void;
}

export interface AgentOptions {
  /** What this agent is; `unavailable` makes hello fail with that reason (e.g. no JSPI in this engine). */
  hello: HelloResult;
  unavailable?: string;
  openSession(): Promise<Session>;
  decodeBase64(text: string): Uint8Array;
}

export function createServer(options: AgentOptions, io: AgentIO): (line: string) => void {
  let session: Session | undefined;
  const modules = new Map<string, ModuleHandle>();
  const instances = new Map<string, Instance>();
  const calls = new Map<string, AbortController>();
  let nextInstance = 0;
  /** hello asked for host-event notifications (PROTOCOL.md, Transport). */
  let events = false;

  const reply = (id: number | null, body: { result: object } | { error: { code: ErrorCode; message: string } }) => io.write(JSON.stringify({ id, ...body }));
  const instance = (id: string): Instance => {
    const found = instances.get(id);
    if (!found) throw new ProtocolError('unknown-instance', `no instance ${JSON.stringify(id)}`);
    return found;
  };
  const needSession = (): Session => {
    if (!session) throw new ProtocolError('bad-request', 'hello must come first');
    return session;
  };

  // Each handler gets its method's params as the schema types them (the line was validated first).
  const handlers: { [M in Method]: (params: ParamsOf<M>) => Promise<ResultOf<M>> } = {
    async hello(params) {
      if (params.protocolVersion !== PROTOCOL_VERSION)
        throw new ProtocolError('version-mismatch', `this agent speaks protocol ${PROTOCOL_VERSION}, the harness asked for ${params.protocolVersion}`);
      if (options.unavailable) throw new ProtocolError('unsupported', options.unavailable);
      session ??= await options.openSession();
      events = params.events === true;
      return options.hello;
    },
    async load(params) {
      const session = needSession();
      const bytes = options.decodeBase64(params.wasm);
      let handle: ModuleHandle;
      if (params.kind === 'component') {
        if (!session.loadComponent) throw new ProtocolError('unsupported', 'this agent loads core modules only');
        const t = params.transpiled;
        const transpiled = t && {
          glue: t.glue,
          transform: t.transform,
          coreModules: Object.fromEntries(Object.entries(t.coreModules).map(([name, b64]) => [name, options.decodeBase64(b64)])),
        };
        handle = await session.loadComponent(transpiled ? { bytes, transpiled } : { bytes }, params.name);
      } else {
        handle = await session.load(bytes, params.name);
      }
      modules.set(handle.id, handle);
      return handle.transform ? { module: handle.id, transform: handle.transform } : { module: handle.id };
    },
    async instantiate(params) {
      const module = modules.get(params.module);
      if (!module) throw new ProtocolError('unknown-module', `no module ${JSON.stringify(params.module)}`);
      try {
        const created = await needSession().instantiate(module, { grants: params.grants, limits: params.limits });
        const id = `i${++nextInstance}`;
        instances.set(id, created);
        if (events) created.onEvent?.((event) => io.write(JSON.stringify({ method: 'host-event', params: { instance: id, event } })));
        return { instance: id };
      } catch (err) {
        if (err instanceof InstantiationFailure) throw new ProtocolError('instantiation-failed', err.message);
        throw err;
      }
    },
    async call(params) {
      const target = instance(params.instance);
      if (calls.has(params.call)) throw new ProtocolError('bad-request', `call id ${params.call} is already in flight`);
      const controller = new AbortController();
      calls.set(params.call, controller);
      const started = performance.now();
      try {
        // Enter the guest only after the lines read with this one were handled: a cancel that
        // arrived with its call ends it before it starts (PROTOCOL.md, Cancellation). Lines of
        // one stdin chunk are served synchronously, so one microtask is enough.
        await null;
        const outcome = await target.call(params.export, params.args.map(fromJsonValue), {
          results: params.results,
          signal: controller.signal,
          ...(params.deadlineMs !== undefined ? { deadlineMs: params.deadlineMs } : {}),
        });
        return { outcome: outcomeToJson(outcome), elapsedMs: performance.now() - started };
      } finally {
        calls.delete(params.call);
      }
    },
    async cancel(params) {
      const controller = calls.get(params.call);
      controller?.abort();
      return { found: controller !== undefined };
    },
    async inspect(params) {
      return instance(params.instance).inspect();
    },
    async 'open-gate'(params) {
      try {
        await instance(params.instance).openGate(params.gate, params.value);
      } catch (err) {
        if (err instanceof ProtocolError) throw err;
        throw new ProtocolError('bad-request', (err as Error).message);
      }
      return {};
    },
    async dispose(params) {
      // Forgotten first: from now on every request on it is unknown-instance; its calls end cancelled.
      const target = instance(params.instance);
      instances.delete(params.instance);
      await target.dispose();
      return {};
    },
    async bench(params) {
      const target = instance(params.instance);
      if (!target.bench) throw new ProtocolError('unsupported', 'this instance cannot benchmark');
      const samples = await target.bench(params.export, params.args.map(fromJsonValue), {
        results: params.results,
        budgetMs: params.budgetMs,
        warmupMs: params.warmupMs ?? 0,
        plain: params.plain ?? false,
      });
      return { samples };
    },
    async 'bench-instantiate'(params) {
      const module = modules.get(params.module);
      if (!module) throw new ProtocolError('unknown-module', `no module ${JSON.stringify(params.module)}`);
      const s = needSession();
      if (!s.benchInstantiate) throw new ProtocolError('unsupported', 'this session cannot benchmark instantiation');
      return { samples: await s.benchInstantiate(module, { budgetMs: params.budgetMs, warmupMs: params.warmupMs ?? 0 }) };
    },
    async close() {
      await session?.close();
      return {};
    },
  };

  return (line: string) => {
    let request: Request;
    try {
      request = JSON.parse(line);
    } catch {
      return reply(null, { error: { code: 'bad-request', message: 'the line is not JSON' } });
    }
    const id = typeof request?.id === 'number' && Number.isInteger(request.id) ? request.id : null;
    const badRequest = violation('request', request);
    if (badRequest)
      return reply(id, {
        error: { code: typeof request?.method === 'string' && !(request.method in handlers) ? 'unknown-method' : 'bad-request', message: badRequest },
      });
    const badParams = violation(`${request.method}Params`, request.params);
    if (badParams) return reply(id, { error: { code: 'bad-request', message: `${request.method} params: ${badParams}` } });
    (handlers[request.method] as (params: unknown) => Promise<object>)(request.params).then(
      (result) => {
        reply(id, { result });
        if (request.method === 'close') io.exit(0);
      },
      (err: unknown) => {
        const e =
          err instanceof ProtocolError
            ? err
            : err instanceof UnknownInstanceError
              ? new ProtocolError('unknown-instance', err.message)
              : new ProtocolError('internal', String((err as Error)?.stack ?? err));
        reply(id, { error: { code: e.code, message: e.message || e.code } });
      },
    );
  };
}
