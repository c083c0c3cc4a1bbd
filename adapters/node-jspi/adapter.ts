/** `node-jspi`: the harness's own Node, in-process, JSPI strategy. The default adapter. */
import { inProcessAdapter } from '../js/in-process.ts';
import { JSPI_FEATURES, jspi, jspiAvailable } from '../js/strategies/jspi.ts';

export const nodeJspi = inProcessAdapter('node-jspi', jspi, JSPI_FEATURES, () =>
  jspiAvailable() ? undefined : `Node ${process.version} has no WebAssembly.Suspending (JSPI); Node >= 24.20 has it on by default`,
);
