/**
 * The wire protocol's messages (harness/protocol/PROTOCOL.md) and their validators, compiled
 * from protocol.schema.json. Shared by the harness's client and the JS agent, so it must stay
 * engine-neutral: the schema is imported as JSON, not read from disk.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from './protocol.schema.json' with { type: 'json' };
import type * as Wire from './schema.generated.ts';

export const PROTOCOL_VERSION = 1;
/** Longest line either side accepts (base64 of a large module fits; a runaway writer does not). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export const METHODS = ['hello', 'load', 'instantiate', 'call', 'cancel', 'inspect', 'open-gate', 'dispose', 'bench', 'bench-instantiate', 'close'] as const;
export type Method = (typeof METHODS)[number];

// The message shapes are generated from protocol.schema.json (schema.generated.ts); the names
// below are the ones the harness and the JS agent use. schema-agreement.ts checks METHODS.
export type ErrorCode = Wire.ErrorResponse['error']['code'];
export type Response = Wire.Response | Wire.ErrorResponse;
export type {
  Request,
  Notification,
  AdapterMessage,
  HelloResult,
  LoadParams,
  LoadResult,
  InstantiateParams,
  CallParams,
  BenchParams,
  CallResult,
  BenchResult,
  InspectResult,
  HostEventParams,
} from './schema.generated.ts';

/** Each method's params and result ($defs/<method>Params and $defs/<method>Result). */
export interface Exchanges {
  hello: { params: Wire.HelloParams; result: Wire.HelloResult };
  load: { params: Wire.LoadParams; result: Wire.LoadResult };
  instantiate: { params: Wire.InstantiateParams; result: Wire.InstantiateResult };
  call: { params: Wire.CallParams; result: Wire.CallResult };
  cancel: { params: Wire.CancelParams; result: Wire.CancelResult };
  inspect: { params: Wire.InstanceOnly; result: Wire.InspectResult };
  'open-gate': { params: Wire.OpenGateParams; result: Wire.OpenGateResult };
  dispose: { params: Wire.InstanceOnly; result: Wire.DisposeResult };
  bench: { params: Wire.BenchParams; result: Wire.BenchResult };
  'bench-instantiate': { params: Wire.BenchInstantiateParams; result: Wire.BenchResult };
  close: { params: Wire.CloseParams; result: Wire.CloseResult };
}
export type ParamsOf<M extends Method> = Exchanges[M]['params'];
export type ResultOf<M extends Method> = Exchanges[M]['result'];

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
  return e
    ? `${e.instancePath || '(message)'} ${e.message}${e.params && 'allowedValues' in e.params ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : ''}`
    : 'invalid';
}
