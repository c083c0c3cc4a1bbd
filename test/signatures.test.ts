/** The export-signature reader the JS adapters check call arguments with (PROP-ARGS). */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argumentMismatch, exportSignatures, type Signature } from '../adapters/js/signatures.ts';
import { compileWat, loadFixture } from '../harness/fixtures.ts';
import { ROOT } from '../harness/paths.ts';
import { i32, i64 } from '../harness/values.ts';

describe('export signatures', () => {
  it('reads every core fixture, and the signatures the suites rely on', async () => {
    const dirs = ['propagation', 'suspension', 'cancellation', 'limits', 'overhead'];
    for (const dir of dirs) {
      for (const file of (await readdir(join(ROOT, 'fixtures', dir))).filter((f) => f.endsWith('.wat'))) {
        expect(exportSignatures(await loadFixture(`${dir}/${file}`)), `${dir}/${file}`).not.toBeNull();
      }
    }
    const echo = exportSignatures(await loadFixture('propagation/echo.wat'))!;
    expect(echo.get('echo_i32')).toEqual({ params: ['i32'], results: ['i32'] });
    expect(echo.get('echo_all')).toEqual({ params: ['i32', 'i64', 'f32', 'f64'], results: ['i32', 'i64', 'f32', 'f64'] });
  });

  it('counts imported functions before defined ones, past every import kind', async () => {
    const wasm = await compileWat(`(module
      (import "m" "t" (table 1 2 funcref))
      (import "m" "f" (func (param i64)))
      (import "m" "mem" (memory 1))
      (import "m" "g" (global (mut i32)))
      (import "m" "h" (func (param f32) (result f64)))
      (func (export "mine") (param i32 f64) (result i64) (i64.const 0))
      (export "reexported" (func 1))
      (export "g" (global 0)))`);
    const sigs = exportSignatures(wasm)!;
    expect(sigs.get('mine')).toEqual({ params: ['i32', 'f64'], results: ['i64'] });
    expect(sigs.get('reexported')).toEqual({ params: ['f32'], results: ['f64'] });
    expect(sigs.has('g')).toBe(false);
  });

  it('says what does not fit, and nothing when it does', () => {
    const sig: Signature = { params: ['i32', 'i64'], results: [] };
    expect(argumentMismatch('f', sig, [i32(1), i64(2n)])).toBeUndefined();
    expect(argumentMismatch('f', sig, [i32(1)])).toBe('f takes (i32, i64), the call gave (i32)');
    expect(argumentMismatch('f', sig, [i64(1n), i32(2)])).toMatch(/gave \(i64, i32\)/);
  });

  it('gives up (null) on encodings it does not read, instead of guessing', () => {
    // A type section entry that is not a plain function type (0x5f: a GC struct type).
    const wasm = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x03, 0x01, 0x5f, 0x00]);
    expect(exportSignatures(wasm)).toBeNull();
  });
});
