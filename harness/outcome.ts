/** The normalised outcome of calling a guest export, identical for every adapter. */
import type * as Wire from './protocol/schema.generated.ts';
import { formatValue, sameValue, toJsonValue, type Value } from './values.ts';

/** Trap kinds, named after the reference interpreter's trap messages. */
export const TRAP_KINDS = [
  'unreachable',
  'divide-by-zero',
  'integer-overflow',
  'invalid-conversion',
  'out-of-bounds-memory',
  'out-of-bounds-table',
  'indirect-call-null',
  'indirect-call-type',
  'stack-overflow',
  'out-of-fuel',
  'interrupted',
  'unknown',
] as const;
export type TrapKind = (typeof TRAP_KINDS)[number];
/** Every kind a trap could be when the engine's report cannot tell them apart: two or more. */
export type TrapCandidates = [TrapKind, TrapKind, ...TrapKind[]];

export type Outcome =
  | { kind: 'ok'; values: Value[] }
  /**
   * `candidates` lists every kind the engine's report could mean when it cannot be told apart
   * (V8 says "null function or function signature mismatch" for two kinds); `trap` is the first.
   */
  | { kind: 'trap'; trap: TrapKind; candidates?: TrapCandidates; message: string }
  | { kind: 'host-error'; function: string; code: number; message: string }
  | { kind: 'denied'; function: string; capability: string; message: string }
  | { kind: 'cancelled'; message: string }
  | { kind: 'timeout'; afterMs: number; message: string }
  | { kind: 'unsupported'; feature: string; message: string }
  /** The engine raised something outside this taxonomy (e.g. a SuspendError, a TypeError). */
  | { kind: 'engine-error'; name: string; message: string };

export type OutcomeKind = Outcome['kind'];

/** JSON form of an outcome, on the wire (protocol.schema.json $defs/outcome) and in report evidence. */
export type JsonOutcome = Wire.Outcome;

export function outcomeToJson(o: Outcome): JsonOutcome {
  if (o.kind === 'ok') return { kind: 'ok', values: o.values.map(toJsonValue) };
  return { ...o };
}

/** One line a person can read. */
export function formatOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'ok':
      return `ok(${o.values.map(formatValue).join(', ')})`;
    case 'trap':
      return `trap ${o.trap}${o.candidates ? ` (or ${o.candidates.slice(1).join(', ')})` : ''}: ${o.message}`;
    case 'host-error':
      return `host-error ${o.function} code=${o.code}: ${o.message}`;
    case 'denied':
      return `denied ${o.function} (${o.capability}): ${o.message}`;
    case 'cancelled':
      return `cancelled: ${o.message}`;
    case 'timeout':
      return `timeout after ${o.afterMs} ms: ${o.message}`;
    case 'unsupported':
      return `unsupported ${o.feature}: ${o.message}`;
    case 'engine-error':
      return `engine-error ${o.name}: ${o.message}`;
  }
}

/** True when `o` is ok with exactly these values (bitwise for floats). */
export function isOkWith(o: Outcome, values: Value[]): boolean {
  return o.kind === 'ok' && o.values.length === values.length && o.values.every((v, i) => sameValue(v, values[i]!));
}

/** True when `o` is a trap that may be `kind` (accepting an engine's ambiguous report). */
export function isTrapOf(o: Outcome, kind: TrapKind): boolean {
  return o.kind === 'trap' && (o.trap === kind || o.candidates?.includes(kind) === true);
}
