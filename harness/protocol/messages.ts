/**
 * The wire protocol's messages (harness/protocol/PROTOCOL.md) and their validators, compiled
 * from protocol.schema.json. Shared by the harness's client and the JS agent, so it must stay
 * engine-neutral: the schema is imported as JSON, not read from disk.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from './protocol.schema.json' with { type: 'json' };
import type { Features, Grants, HostEvent, InstanceState, Limits, AsyncStrategy, TransformEvidence } from '../adapter.ts';
import type { JsonValue, ValueType } from '../values.ts';

export const PROTOCOL_VERSION = 1;
/** Longest line either side accepts (base64 of a large module fits; a runaway writer does not). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export const METHODS = ['hello', 'load', 'instantiate', 'call', 'cancel', 'inspect', 'open-gate', 'dispose', 'bench', 'bench-instantiate', 'close'] as const;
export type Method = (typeof METHODS)[number];

export type ErrorCode = 'bad-request' | 'unknown-method' | 'version-mismatch' | 'unknown-module' | 'unknown-instance' | 'instantiation-failed' | 'unsupported' | 'internal';

export interface Request {
  id: number;
  method: Method;
  params: Record<string, unknown>;
}
export type Response = { id: number; result: Record<string, unknown> } | { id: number | null; error: { code: ErrorCode; message: string } };
export interface Notification {
  method: 'host-event' | 'log';
  params: Record<string, unknown>;
}
export type AdapterMessage = Response | Notification;

export interface HelloResult {
  protocolVersion: number;
  engine: { name: string; version: string };
  strategy: AsyncStrategy;
  features: Features;
  flags: string[];
}
export interface LoadParams {
  name: string;
  kind: 'module' | 'component';
  wasm: string;
  transpiled?: { glue: string; coreModules: Record<string, string>; transform: TransformEvidence };
}
export interface LoadResult {
  module: string;
  transform?: TransformEvidence;
}
export interface InstantiateParams {
  module: string;
  grants: Grants;
  limits: Limits;
}
export interface CallParams {
  instance: string;
  call: string;
  export: string;
  args: JsonValue[];
  results: ValueType[];
  deadlineMs?: number;
}
export interface BenchParams {
  instance: string;
  export: string;
  args: JsonValue[];
  results: ValueType[];
  budgetMs: number;
  warmupMs?: number;
  plain?: boolean;
}
export interface CallResult {
  outcome: Record<string, unknown>;
  elapsedMs: number;
}
export interface BenchSample {
  iterations: number;
  totalNs: number;
}
export type InspectResult = InstanceState;
export type HostEventParams = { instance: string; event: HostEvent };

let ajv: Ajv2020 | undefined;
const cache = new Map<string, ValidateFunction>();

/** Validator for one $defs entry, e.g. "adapterMessage", "callParams", "callResult". */
export function validatorFor(def: string): ValidateFunction {
  let v = cache.get(def);
  if (!v) {
    if (!ajv) {
      ajv = new Ajv2020({ allErrors: false, strict: false });
      ajv.addSchema(schema);
    }
    v = ajv.getSchema(`${schema.$id}#/$defs/${def}`);
    if (!v) throw new Error(`protocol.schema.json has no $defs/${def}`);
    cache.set(def, v);
  }
  return v;
}

/** First schema violation as one readable line, or undefined when valid. */
export function violation(def: string, data: unknown): string | undefined {
  const validate = validatorFor(def);
  if (validate(data)) return undefined;
  const e = validate.errors?.[0];
  return e ? `${e.instancePath || '(message)'} ${e.message}${e.params && 'allowedValues' in e.params ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : ''}` : 'invalid';
}
