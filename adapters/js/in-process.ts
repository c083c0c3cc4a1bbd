/** In-process adapters: the harness's own Node running the JS host with one strategy. */
import type { Adapter, AdapterDescription, Features } from '../../harness/adapter.ts';
import { nodeIO } from './io/node.ts';
import { createJsSession } from './session.ts';
import type { Strategy } from './strategies/strategy.ts';

export function inProcessAdapter(id: string, strategy: Strategy, features: Features, unavailable: () => string | undefined): Adapter {
  return {
    id,
    async describe(): Promise<AdapterDescription> {
      const reason = unavailable();
      return {
        id,
        available: reason === undefined,
        ...(reason === undefined ? {} : { reason }),
        engine: { name: 'node', version: `${process.versions.node} (V8 ${process.versions.v8})` },
        strategy: strategy.name,
        features,
        flags: [...process.execArgv],
        process: 'in-process',
      };
    },
    async open() {
      return createJsSession(strategy, nodeIO);
    },
  };
}
