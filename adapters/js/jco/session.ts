/**
 * A Session for components on any JS engine with JSPI: the glue jco generated is imported as a
 * module (a data: URL, so no file system is needed), its core modules compiled, and the
 * component instantiated with the host interface bound to a fresh JS host.
 */
import { InstantiationFailure, type ComponentPackage, type Session, type TranspiledComponent } from '../../../harness/adapter.ts';
import type { CapabilityPolicy } from '../host/capabilities.ts';
import type { Host } from '../host/host.ts';
import type { HostIO } from '../host/io.ts';
import { cmaImports, type OwnExports } from './async-bindings.ts';
import { componentImports } from './bindings.ts';
import type { CallTracker } from '../strategies/strategy.ts';
import { hostedSession } from '../hosted-session.ts';
import { ComponentInstance } from './instance.ts';

/** How the glue instantiates each core module (jco's third `instantiate` argument). */
export type InstantiateCore = (module: WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<WebAssembly.Instance>;
type Glue = {
  instantiate(getCoreModule: (name: string) => WebAssembly.Module, imports: object, instantiateCore?: InstantiateCore): Promise<Record<string, unknown>>;
};

interface Loaded {
  glue: Glue;
  modules: Map<string, WebAssembly.Module>;
}

export interface JcoSessionOptions {
  io: HostIO;
  /** Transpiles a component that arrives without glue (in-process use); agents get glue from the harness. */
  transpile?: (bytes: Uint8Array, bindings: 'async' | 'sync') => Promise<TranspiledComponent>;
  policy?: CapabilityPolicy;
  testSlowdownNs?: number;
  encodeBase64(text: string): string;
  /** The import object for a new instance; default: both host interfaces (tests inject defects here). */
  imports?: (host: Host, tracker: CallTracker, own: OwnExports) => Record<string, Record<string, Function>>;
  /** Instantiates the component's core modules; default WebAssembly.instantiate (tests wrap the canonical built-ins here). */
  instantiateCore?: InstantiateCore;
}

/** Both host interfaces: awc:host/host (§13) and awc:cma/host (§14), on one host. */
export const defaultImports = (host: Host, tracker: CallTracker, own: OwnExports = {}) => ({
  ...componentImports(host, tracker),
  ...cmaImports(host, tracker, own),
});

export function createJcoSession(options: JcoSessionOptions): Session {
  const hosted = hostedSession<Loaded>({
    adapter: 'the jco adapter',
    noun: 'component',
    io: options.io,
    policy: options.policy,
    testSlowdownNs: options.testSlowdownNs,
    async link(entry, host, tracker) {
      const getCoreModule = (name: string) => {
        const module = entry.modules.get(name);
        if (!module) throw new Error(`the glue asked for an unknown core module ${name}`);
        return module;
      };
      try {
        // Late-bound: the reentry host functions (SPEC.md §14.15) call the instance's own exports.
        const own: OwnExports = {};
        own.exports = await entry.glue.instantiate(getCoreModule, (options.imports ?? defaultImports)(host, tracker, own), options.instantiateCore);
        return new ComponentInstance(own.exports, host, tracker);
      } catch (err) {
        throw new InstantiationFailure(String((err as Error)?.message ?? err));
      }
    },
  });

  return {
    ...hosted,
    async load() {
      throw new Error('the jco strategy loads components only (core modules: use a jspi or asyncify row)');
    },
    async loadComponent(component: ComponentPackage, name: string) {
      const transpiled = component.transpiled ?? (options.transpile ? await options.transpile(component.bytes, component.bindings ?? 'async') : undefined);
      if (!transpiled) throw new Error('this jco session received a component without transpiled glue');
      const glue = (await import(`data:text/javascript;base64,${options.encodeBase64(transpiled.glue)}`)) as Glue;
      const modules = new Map<string, WebAssembly.Module>();
      for (const [file, bytes] of Object.entries(transpiled.coreModules)) modules.set(file, await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
      return { id: hosted.add(name, { glue, modules }), transform: transpiled.transform };
    },
  };
}
