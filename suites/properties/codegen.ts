/** Turns a generated program into WAT: one exported `main` returning the accumulator. */
import type { Program, Step } from './program.ts';

const HEADER = `(module
  (import "awc" "echo_i32" (func $echo_i32 (param i32) (result i32)))
  (import "awc" "echo_i64" (func $echo_i64 (param i64) (result i64)))
  (import "awc" "echo_f64" (func $echo_f64 (param f64) (result f64)))
  (import "awc" "sleep" (func $sleep (param i32)))
  (import "awc" "yield" (func $yield))
  (import "awc" "fail" (func $fail (param i32)))
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (type $unary (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $f0 $f1)
  (func $f0 (param i32) (result i32) (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1)))
  (func $f1 (param i32) (result i32) (i32.add (call $echo_i32 (local.get 0)) (i32.const 7)))`;

/** WAT spelling of a finite double that parses back to the same value. */
const f64Literal = (d: number): string => (Number.isInteger(d) && Math.abs(d) < 1e21 ? `${d}.0` : String(d));

export function toWat(p: Program): string {
  let labels = 0;
  const acc = (expr: string) => `(local.set $acc ${expr})`;
  const emit = (s: Step, depth: number): string => {
    switch (s.op) {
      case 'const':
        return acc(`(i32.const ${s.value})`);
      case 'add':
        return acc(`(i32.add (local.get $acc) (i32.const ${s.value}))`);
      case 'mul':
        return acc(`(i32.mul (local.get $acc) (i32.const ${s.value}))`);
      case 'xor':
        return acc(`(i32.xor (local.get $acc) (i32.const ${s.value}))`);
      case 'echo32':
        return acc(`(call $echo_i32 (local.get $acc))`);
      case 'echo64':
        return `(local.set $x (call $echo_i64 (i64.const ${s.value})))\n    ${acc('(i32.xor (i32.add (local.get $acc) (i32.wrap_i64 (local.get $x))) (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32))))')}`;
      case 'echof64':
        return acc(`(i32.add (local.get $acc) (i32.trunc_sat_f64_s (call $echo_f64 (f64.const ${f64Literal(s.value)}))))`);
      case 'sleep':
        return `(call $sleep (i32.const ${s.ms}))`;
      case 'yield':
        return `(call $yield)`;
      case 'fail':
        return `(call $fail (i32.const ${s.code}))`;
      case 'store':
        return `(i32.store (i32.const ${s.slot * 4}) (local.get $acc))`;
      case 'load':
        return acc(`(i32.add (local.get $acc) (i32.load (i32.const ${s.slot * 4})))`);
      case 'gset':
        return `(global.set $g (local.get $acc))`;
      case 'gget':
        return acc(`(i32.add (local.get $acc) (global.get $g))`);
      case 'callf':
        return acc(`(call_indirect (type $unary) (local.get $acc) (i32.const ${s.fn}))`);
      case 'trap':
        if (s.kind === 'unreachable') return 'unreachable';
        if (s.kind === 'div0') return acc(`(i32.div_s (local.get $acc) (i32.const 0))`);
        return acc(`(i32.add (local.get $acc) (i32.load (i32.const 65536)))`);
      case 'loop': {
        const label = `$loop${labels++}`;
        const counter = `$n${depth}`;
        const body = s.body.map((b) => emit(b, depth + 1)).join('\n    ');
        return `(local.set ${counter} (i32.const ${s.times}))\n    (loop ${label}\n    ${body}\n    (local.set ${counter} (i32.sub (local.get ${counter}) (i32.const 1)))\n    (br_if ${label} (local.get ${counter})))`;
      }
    }
  };
  const body = p.map((s) => emit(s, 0)).join('\n    ');
  return `${HEADER}
  (func (export "main") (result i32)
    (local $acc i32) (local $x i64) (local $n0 i32) (local $n1 i32) (local $n2 i32) (local $n3 i32)
    ${body}
    (local.get $acc)))
`;
}
