/**
 * Type-level checks that the hand-written types and run-time lists agree with the types
 * generated from protocol.schema.json and report.schema.json, so that a schema change the code
 * does not follow fails `tsc --noEmit` (npm test). Nothing here runs; nothing imports it.
 * The generated files themselves are kept in step with the schemas by test/schema-types.test.ts.
 */
import type { LEVELS } from './case.ts';
import type { TRAP_KINDS, Outcome } from './outcome.ts';
import type { Exchanges, METHODS } from './protocol/messages.ts';
import type * as Wire from './protocol/schema.generated.ts';
import type { STATUSES, Summary } from './report/types.ts';
import type * as ReportSchema from './report/schema.generated.ts';
import type { JsonValue, Value, VALUE_TYPES } from './values.ts';
import type { Evidence } from './case.ts';

/** True only when A and B are the same type (optional and readonly modifiers included). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Extends<A, B> = [A] extends [B] ? true : false;
type Assert<T extends true> = T;

/** An outcome as it travels: its values in their JSON form. */
type OnTheWire<O> = O extends { values: Value[] } ? Omit<O, 'values'> & { values: JsonValue[] } : O;
type KindsHaveSameFields<K extends string> = K extends unknown ? Equal<keyof Extract<Outcome, { kind: K }>, keyof Extract<Wire.Outcome, { kind: K }>> : never;

export type SchemaAgreement = [
  // Run-time lists: one entry per enum member of the schema, no more, no fewer.
  Assert<Equal<(typeof METHODS)[number], Wire.Request['method']>>,
  Assert<Equal<keyof Exchanges, Wire.Request['method']>>,
  Assert<Equal<(typeof VALUE_TYPES)[number], Wire.ValueType>>,
  Assert<Equal<(typeof TRAP_KINDS)[number], Wire.TrapKind>>,
  Assert<Equal<(typeof STATUSES)[number], ReportSchema.Status>>,
  Assert<Equal<(typeof LEVELS)[number], ReportSchema.Level>>,
  // The report holds what hello declared: the two schemas' features and strategies are the same.
  Assert<Equal<ReportSchema.Features, Wire.Features>>,
  Assert<Equal<ReportSchema.Strategy, Wire.Strategy>>,
  // Values (bigint i64 in the harness): the same types, each with the fields the wire has.
  Assert<Equal<Value['type'], Wire.Value['type']>>,
  Assert<Equal<KeysByType<Value>, KeysByType<Wire.Value>>>,
  // Outcomes: the same kinds with the same fields, and every outcome the wire can carry fits the
  // harness's type (the schema's `candidates` has at least two items; the harness's is any list).
  Assert<Equal<Outcome['kind'], Wire.Outcome['kind']>>,
  Assert<Equal<KindsHaveSameFields<Outcome['kind']>, true>>,
  Assert<Extends<Wire.Outcome, OnTheWire<Outcome>>>,
  // The report's totals and evidence: the harness's stricter types fit the schema's.
  Assert<Extends<Summary, ReportSchema.Report['summary']>>,
  Assert<Equal<Evidence, NonNullable<ReportSchema.Result['evidence']>>>,
];

type KeysByType<V extends { type: string }> = { [T in V['type']]: keyof Extract<V, { type: T }> };
