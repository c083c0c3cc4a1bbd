/** The adapters `awc` knows, in matrix order. A new runtime is one more entry here. */
import type { Adapter } from '../harness/adapter.ts';
import { BROWSER_ROWS } from './browser/rows.ts';
import { JS_AGENT_ROWS } from './js/rows.ts';
import { nodeAsyncify } from './node-asyncify/adapter.ts';
import { nodeJspi } from './node-jspi/adapter.ts';
import { wasmerRow } from './wasmer/row.ts';
import { wasmiRow } from './wasmi/row.ts';
import { wasmtimeComponentRow, wasmtimeRow } from './wasmtime/row.ts';

export const ADAPTERS: readonly Adapter[] = [nodeJspi, nodeAsyncify, ...JS_AGENT_ROWS, wasmtimeRow, wasmtimeComponentRow, wasmerRow, wasmiRow, ...BROWSER_ROWS];

export const DEFAULT_ADAPTER_ID = 'node-jspi';
