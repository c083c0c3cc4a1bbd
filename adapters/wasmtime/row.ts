/**
 * The `wasmtime` rows: the Rust adapter in this folder (wasmtime + Tokio, on the shared Rust host
 * adapters/rust-host), built by `npm run build:rust`. `wasmtime` runs core modules;
 * `wasmtime-component` runs the same binary with `--component-model` (components, the WIT host
 * interface, SPEC.md §13; components of the native async ABI, SPEC.md §14, on an engine with
 * concurrency support: src/component_async.rs).
 */
import { rustRow } from '../rust-host/row.ts';

export const wasmtimeRow = rustRow('wasmtime', 'awc-wasmtime-adapter', 'wasmtime');
export const wasmtimeComponentRow = rustRow('wasmtime-component', 'awc-wasmtime-adapter', 'wasmtime', ['--component-model']);
