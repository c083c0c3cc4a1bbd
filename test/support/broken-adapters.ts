/**
 * Deliberately broken adapters: the real node-jspi adapter with one defect injected into its
 * outcomes. Each conformance case that checks the defective behaviour must fail on them.
 * Also loadable by `awc run --plugin`, so the CLI's exit codes can be tested end to end.
 */
import type { Adapter, AdapterDescription, Instance, Session } from '../../harness/adapter.ts';
import type { Outcome } from '../../harness/outcome.ts';
import { nodeJspi } from '../../adapters/node-jspi/adapter.ts';

export type Defect = (exportName: string, outcome: Outcome) => Outcome;

/** Off by one in every i64 result: the kind of bug a runtime that rounds through f64 has. */
export const offByOneI64: Defect = (_name, o) =>
  o.kind === 'ok' ? { kind: 'ok', values: o.values.map((v) => (v.type === 'i64' ? { type: 'i64', value: BigInt.asIntN(64, v.value + 1n) } : v)) } : o;

/** Host errors swallowed: the call looks successful with no values. */
export const dropsHostErrors: Defect = (_name, o) => (o.kind === 'host-error' ? { kind: 'ok', values: [] } : o);

/** Every trap reported as `unreachable`. */
export const mislabelsTraps: Defect = (_name, o) => (o.kind === 'trap' ? { kind: 'trap', trap: 'unreachable', message: o.message } : o);

/** Wraps a real adapter so every call outcome passes through `defect`. */
export function brokenAdapter(id: string, defect: Defect, base: Adapter = nodeJspi): Adapter {
  const wrapInstance = (inner: Instance): Instance => ({
    call: async (name, args, options) => defect(name, await inner.call(name, args, options)),
    inspect: () => inner.inspect(),
    openGate: (gate, value) => inner.openGate(gate, value),
    dispose: () => inner.dispose(),
  });
  return {
    id,
    async describe(): Promise<AdapterDescription> {
      return { ...(await base.describe()), id };
    },
    async open(env): Promise<Session> {
      const inner = await base.open(env);
      return {
        load: (wasm, name) => inner.load(wasm, name),
        instantiate: async (module, options) => wrapInstance(await inner.instantiate(module, options)),
        close: () => inner.close(),
      };
    },
  };
}

/** An adapter whose runtime is missing. */
export const missingRuntime: Adapter = {
  id: 'fake-missing',
  async describe() {
    return { ...(await nodeJspi.describe()), id: 'fake-missing', available: false, reason: 'runtime binary not installed (test fake)' };
  },
  async open() {
    throw new Error('must never be opened');
  },
};

/** For `awc run --plugin test/support/broken-adapters.ts`. */
export const adapters: Adapter[] = [
  brokenAdapter('fake-off-by-one-i64', offByOneI64),
  brokenAdapter('fake-drops-host-errors', dropsHostErrors),
  brokenAdapter('fake-mislabels-traps', mislabelsTraps),
  missingRuntime,
];
