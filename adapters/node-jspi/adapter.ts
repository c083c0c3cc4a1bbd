/** `node-jspi`: the harness's own Node, in-process, JSPI strategy. The default adapter. */
import type { Adapter, AdapterDescription, Features } from '../../harness/adapter.ts';
import { nodeIO } from '../js/io/node.ts';
import { createJsSession } from '../js/session.ts';
import { jspi, jspiAvailable } from '../js/strategies/jspi.ts';

export const NODE_JSPI_FEATURES: Features = {
  strategy: 'jspi',
  // JSPI has no way to abort a suspended stack: the pending host promise is rejected instead,
  // so a call can be cancelled only while it awaits the host.
  cancellation: 'at-host-call',
  fuel: false,
  memoryLimits: false,
  reentrancy: 'interleave',
  postCancel: 'reusable',
  coreModules: true,
  components: false,
};

export const nodeJspi: Adapter = {
  id: 'node-jspi',
  async describe(): Promise<AdapterDescription> {
    const available = jspiAvailable();
    return {
      id: 'node-jspi',
      available,
      ...(available ? {} : { reason: `Node ${process.version} has no WebAssembly.Suspending (JSPI); Node >= 24.20 has it on by default` }),
      engine: { name: 'node', version: `${process.versions.node} (V8 ${process.versions.v8})` },
      strategy: 'jspi',
      features: NODE_JSPI_FEATURES,
      flags: [...process.execArgv],
      process: 'in-process',
    };
  },
  async open() {
    return createJsSession(jspi, nodeIO);
  },
};
