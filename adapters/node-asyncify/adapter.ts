/** `node-asyncify`: the harness's own Node, in-process, Asyncify strategy (binaryen-instrumented modules). */
import { inProcessAdapter } from '../js/in-process.ts';
import { ASYNCIFY_FEATURES, asyncify } from '../js/strategies/asyncify.ts';

export const nodeAsyncify = inProcessAdapter('node-asyncify', asyncify, ASYNCIFY_FEATURES, () => undefined);
