/**
 * The parameter and result types of a core module's exported functions, read from its binary
 * (type, import, function and export sections only; code is never decoded). JS engines coerce
 * arguments (a missing one becomes 0, an f64 is truncated into an i32 parameter), so the JS
 * adapters check a call's arguments against these before the guest runs (SPEC.md PROP-ARGS).
 * Written by hand: four sections of a stable format, and no dependency in the agent bundle
 * that runs on Node, Deno and Bun.
 */
export type WasmType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export interface Signature {
  params: WasmType[];
  results: WasmType[];
}

const VALUE_TYPES: Record<number, WasmType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

/** An encoding this reader does not handle (e.g. GC types): callers fall back to no signatures. */
class Unsupported extends Error {}

class Reader {
  pos: number;
  private readonly bytes: Uint8Array;
  private readonly end: number;
  constructor(bytes: Uint8Array, start: number, end: number) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }
  byte(): number {
    if (this.pos >= this.end) throw new Unsupported('truncated section');
    return this.bytes[this.pos++]!;
  }
  /** Unsigned LEB128 up to 64 bits (memory64 limits), as a number: only sizes and indices. */
  u32(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (!(b & 0x80)) return result;
      scale *= 128;
    }
  }
  skip(n: number): void {
    this.pos += n;
  }
  name(): string {
    const len = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return text;
  }
  valueType(): WasmType {
    const t = VALUE_TYPES[this.byte()];
    if (!t) throw new Unsupported('a value type outside the core MVP + SIMD + reference types');
    return t;
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** Export name → signature of every exported function; null if the module uses encodings not read here. */
export function exportSignatures(wasm: Uint8Array): Map<string, Signature> | null {
  try {
    return read(wasm);
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

function read(wasm: Uint8Array): Map<string, Signature> {
  const types: Signature[] = [];
  const functions: number[] = []; // type index per function index, imports first
  const exports = new Map<string, number>();
  let pos = 8; // magic + version
  while (pos < wasm.length) {
    const header = new Reader(wasm, pos, wasm.length);
    const id = header.byte();
    const size = header.u32();
    const r = new Reader(wasm, header.pos, header.pos + size);
    pos = header.pos + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new Unsupported('a type other than a plain function type');
        const params = Array.from({ length: r.u32() }, () => r.valueType());
        const results = Array.from({ length: r.u32() }, () => r.valueType());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) functions.push(r.u32());
        else if (kind === 1) {
          r.valueType();
          r.limits();
        } else if (kind === 2) r.limits();
        else if (kind === 3) {
          r.valueType();
          r.skip(1);
        } else if (kind === 4) {
          r.skip(1);
          r.u32();
        } else throw new Unsupported(`import kind ${kind}`);
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) functions.push(r.u32());
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = r.byte();
        const index = r.u32();
        if (kind === 0) exports.set(name, index);
      }
    }
  }
  const out = new Map<string, Signature>();
  for (const [name, index] of exports) {
    const type = types[functions[index] ?? -1];
    if (!type) throw new Unsupported(`export ${name} has no type`);
    out.set(name, type);
  }
  return out;
}

/** Why `args` cannot be passed to a function of signature `sig`, or undefined if they can. */
export function argumentMismatch(exportName: string, sig: Signature, args: readonly { type: string }[]): string | undefined {
  const wanted = `(${sig.params.join(', ')})`;
  const given = `(${args.map((a) => a.type).join(', ')})`;
  if (args.length !== sig.params.length || args.some((a, i) => a.type !== sig.params[i])) return `${exportName} takes ${wanted}, the call gave ${given}`;
  return undefined;
}
