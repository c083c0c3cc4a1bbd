/** A Session for any JS engine: compile, link the host ABI through a strategy, instantiate. */
import { InstantiationFailure, type Session } from '../../harness/adapter.ts';
import type { CapabilityPolicy } from './host/capabilities.ts';
import { ErrorCode } from '../../harness/abi.ts';
import { HostError } from './host/errors.ts';
import type { HostIO } from './host/io.ts';
import { hostedSession } from './hosted-session.ts';
import { JsInstance } from './instance.ts';
import { exportSignatures, type Signature } from './signatures.ts';
import type { Strategy } from './strategies/strategy.ts';

interface Compiled {
  module: WebAssembly.Module;
  signatures: Map<string, Signature> | null;
}

export function createJsSession(strategy: Strategy, io: HostIO, policy?: CapabilityPolicy, testSlowdownNs = 0): Session {
  const hosted = hostedSession<Compiled>({
    adapter: `the ${strategy.name} JS adapter`,
    noun: 'module',
    io,
    policy,
    testSlowdownNs,
    /** Imports + instance + host bindings: the whole of what instantiating means for this adapter. */
    async link({ module, signatures }, host, tracker) {
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
    },
  });

  return {
    ...hosted,
    async load(wasm, name) {
      const prepared = strategy.prepare ? await strategy.prepare(wasm) : { wasm };
      const module = await WebAssembly.compile(prepared.wasm as Uint8Array<ArrayBuffer>);
      // Read from the original: a load-time transformation keeps the exports' signatures.
      const id = hosted.add(name, { module, signatures: exportSignatures(wasm) });
      return prepared.transform ? { id, transform: prepared.transform } : { id };
    },
  };
}
