/** TypeScript models of fixtures/suspension/state.wat: what each export must return if no state is lost. */
import { fnv1a } from '../define.ts';

export function localsModel(n: number): bigint {
  let a = 0;
  let b = 0n;
  let c = 0;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 31) + i) | 0;
    b = BigInt.asIntN(64, b * 6364136223846793005n + BigInt(i));
    c += i * 0.5;
  }
  return BigInt.asIntN(64, BigInt(a >>> 0) ^ b ^ BigInt(Math.trunc(c)));
}

export function globalsModel(n: number): bigint {
  let sum = 0n;
  for (let i = 0; i < n; i++) sum += BigInt(i);
  // g32 = n, g64 = sum of i, gf = n / 4 read back as trunc(gf * 4) = n
  return BigInt(n) + sum + BigInt(n);
}

export function memoryModel(n: number): number {
  const mem = new Uint8Array(65536);
  for (let k = 0; k < mem.length; k++) mem[k] = (k * 7) & 0xff;
  for (let i = 0; i < n; i++) {
    const k = Math.imul(i, 2654435761 | 0) & 0xffff;
    mem[k] = (mem[k]! + 1) & 0xff;
  }
  return fnv1a(mem);
}

export function tableModel(n: number): number {
  const table = [10, 20, 30, 40];
  let acc = 0;
  for (let i = 0; i < n; i++) {
    if (i % 7 === 6) [table[0], table[3]] = [table[3]!, table[0]!];
    acc = (acc + table[i & 3]!) | 0;
  }
  return acc;
}

export function simdModel(n: number): number {
  const v = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) for (let lane = 0; lane < 4; lane++) v[lane] = (v[lane]! + i + lane + 1) | 0;
  return (v[0]! + Math.imul(v[1]!, 3) + Math.imul(v[2]!, 5) + Math.imul(v[3]!, 7)) | 0;
}

export function mixedModel(n: number): bigint {
  let acc = 0n;
  for (let i = 0; i < n; i++) {
    switch (i & 3) {
      case 0:
        acc += BigInt(i);
        break;
      case 1:
        acc += 1000000n;
        break;
      case 2:
        acc *= 3n;
        break;
      default:
        acc += BigInt(i);
    }
    acc = BigInt.asIntN(64, acc);
  }
  return acc;
}

export const triangle = (d: number): number => (d * (d + 1)) / 2;
