/**
 * The `wasmer` row: wasmer 7.4.2 (sys backend, singlepass compiler) with its experimental-async
 * host functions, the Rust adapter in this folder on the shared Rust host (adapters/rust-host),
 * built by `npm run build:rust`. Core modules only.
 */
import { rustRow } from '../rust-host/row.ts';

export const wasmerRow = rustRow('wasmer', 'awc-wasmer-adapter', 'wasmer');
