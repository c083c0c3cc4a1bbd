/**
 * The `wasmi` row: wasmi 2.0.0 (an interpreter) whose async is resumable calls, the Rust adapter
 * in this folder on the shared Rust host (adapters/rust-host), built by `npm run build:rust`.
 * Core modules only.
 */
import { rustRow } from '../rust-host/row.ts';

export const wasmiRow = rustRow('wasmi', 'awc-wasmi-adapter', 'wasmi');
