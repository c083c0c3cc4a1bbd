/**
 * What every Session behind the JS host shares (core modules and jco components): a fresh host
 * per instance (slowed only when the test hook asks), the refusal of limits a JS engine cannot
 * enforce, the loaded entries behind handles, the instances that closing disposes, and the
 * instantiate benchmark (which links exactly as instantiate does).
 */
import { InstantiationFailure, type Instance, type InstantiateOptions, type ModuleHandle, type Session } from '../../harness/adapter.ts';
import { benchBatches } from '../../harness/bench/batches.ts';
import type { CapabilityPolicy } from './host/capabilities.ts';
import { Host } from './host/host.ts';
import type { HostIO } from './host/io.ts';
import { withSlowdown } from './host/slowdown.ts';
import type { CallTracker } from './strategies/strategy.ts';

export interface HostedSessionConfig<E> {
  /** Names the adapter in the refusal of limits: "the jspi JS adapter". */
  adapter: string;
  /** What a handle names, in the error for an unknown one: "module", "component". */
  noun: string;
  io: HostIO;
  policy?: CapabilityPolicy | undefined;
  /** Test hook: busy-wait this long in every direct host call (0 or absent: no wrapper at all). */
  testSlowdownNs?: number | undefined;
  /** Instantiates a loaded entry on a fresh host; rejects with an InstantiationFailure. */
  link(entry: E, host: Host, tracker: CallTracker): Promise<Instance>;
}

export interface HostedSession<E> extends Required<Pick<Session, 'instantiate' | 'benchInstantiate' | 'close'>> {
  /** Keeps a loaded entry; returns its handle id (`name#n`). */
  add(name: string, entry: E): string;
}

export function hostedSession<E>(config: HostedSessionConfig<E>): HostedSession<E> {
  const entries = new Map<string, E>();
  const instances = new Set<Instance>();
  let next = 0;
  const entryOf = (handle: ModuleHandle): E => {
    const entry = entries.get(handle.id);
    if (!entry) throw new InstantiationFailure(`unknown ${config.noun} ${handle.id}`);
    return entry;
  };
  const link = async (entry: E, options: InstantiateOptions): Promise<Instance> => {
    if (options.limits?.memoryPages !== undefined || options.limits?.fuel !== undefined) {
      throw new InstantiationFailure(`${config.adapter} cannot enforce memory or fuel limits`);
    }
    const host = withSlowdown(new Host(config.io, options.grants ?? {}, config.policy), config.testSlowdownNs ?? 0);
    return config.link(entry, host, { current: null });
  };
  return {
    add(name, entry) {
      const id = `${name}#${++next}`;
      entries.set(id, entry);
      return id;
    },
    async instantiate(handle, options) {
      const instance = await link(entryOf(handle), options);
      instances.add(instance);
      // Forgotten once disposed: a run creates thousands of instances in one session, and a
      // retained one keeps its memory (Chromium's V8 sandbox runs out of room for new memories).
      const dispose = instance.dispose.bind(instance);
      instance.dispose = () => {
        instances.delete(instance);
        return dispose();
      };
      return instance;
    },
    async benchInstantiate(handle, options) {
      const entry = entryOf(handle);
      return benchBatches(async () => {
        await link(entry, {});
      }, options);
    },
    async close() {
      await Promise.all([...instances].map((i) => i.dispose()));
      instances.clear();
      entries.clear();
    },
  };
}
