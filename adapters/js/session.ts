/** A Session for any JS engine: compile, link the host ABI through a strategy, instantiate. */
import { InstantiationFailure, type Instance, type InstantiateOptions, type ModuleHandle, type Session } from '../../harness/adapter.ts';
import type { CapabilityPolicy } from './host/capabilities.ts';
import { ErrorCode } from '../../harness/abi.ts';
import { HostError } from './host/errors.ts';
import { Host } from './host/host.ts';
import type { HostIO } from './host/io.ts';
import { benchBatches } from '../../harness/bench/batches.ts';
import { JsInstance } from './instance.ts';
import { exportSignatures, type Signature } from './signatures.ts';
import type { Strategy } from './strategies/strategy.ts';

export function createJsSession(strategy: Strategy, io: HostIO, policy?: CapabilityPolicy, testSlowdownNs = 0): Session {
  const modules = new Map<string, { module: WebAssembly.Module; signatures: Map<string, Signature> | null }>();
  const instances = new Set<Instance>();
  let nextModule = 0;
  /** Host + imports + instance: the whole of what instantiating means for this adapter. */
  async function link({ module, signatures }: { module: WebAssembly.Module; signatures: Map<string, Signature> | null }, options: InstantiateOptions): Promise<JsInstance> {
    if (options.limits?.memoryPages !== undefined || options.limits?.fuel !== undefined) {
      throw new InstantiationFailure(`the ${strategy.name} JS adapter cannot enforce memory or fuel limits`);
    }
    const host = new Host(io, options.grants ?? {}, policy, testSlowdownNs);
    const tracker = { current: null };
    let wasm: WebAssembly.Instance;
    try {
      wasm = await WebAssembly.instantiate(module, strategy.imports(host, tracker));
    } catch (err) {
      throw new InstantiationFailure(String((err as Error)?.message ?? err));
    }
    strategy.bind?.(wasm, tracker);
    const memory = wasm.exports['memory'];
    host.bindMemory(() => (memory instanceof WebAssembly.Memory ? memory : undefined));
    const exported = (name: string): Function => {
      const fn = wasm.exports[name];
      if (typeof fn !== 'function') throw new HostError('reenter', ErrorCode.NOT_FOUND, `the guest exports no function ${name}`);
      return fn;
    };
    host.bindReentry({
      async: (name, args, callId) => strategy.start(exported(name), args, tracker, callId ?? -1),
      sync: (name, args) => strategy.callSync(exported(name), args, tracker),
    });
    return new JsInstance(wasm, host, strategy, tracker, signatures);
  }
  const compiled = (handle: ModuleHandle) => {
    const module = modules.get(handle.id);
    if (!module) throw new InstantiationFailure(`unknown module ${handle.id}`);
    return module;
  };

  return {
    async load(wasm, name) {
      const prepared = strategy.prepare ? await strategy.prepare(wasm) : { wasm };
      const module = await WebAssembly.compile(prepared.wasm as Uint8Array<ArrayBuffer>);
      const id = `${name}#${++nextModule}`;
      // Read from the original: a load-time transformation keeps the exports' signatures.
      modules.set(id, { module, signatures: exportSignatures(wasm) });
      return prepared.transform ? { id, transform: prepared.transform } : { id };
    },
    async instantiate(handle: ModuleHandle, options: InstantiateOptions) {
      const instance = await link(compiled(handle), options);
      instances.add(instance);
      return instance;
    },
    async benchInstantiate(handle, options) {
      const module = compiled(handle);
      return benchBatches(async () => {
        await link(module, {});
      }, options);
    },
    async close() {
      await Promise.all([...instances].map((i) => i.dispose()));
      instances.clear();
      modules.clear();
    },
  };
}
