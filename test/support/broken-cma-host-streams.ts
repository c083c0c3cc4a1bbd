/**
 * Deliberately broken host-stream bindings (SPEC.md §14.18): jco in this process with one of
 * the awc:cma host functions whose values are streams replaced. Each host-stream case must fail
 * on the defect it checks (test/broken-cma-host-streams.test.ts).
 */
import { defaultImports, type JcoSessionOptions } from '../../adapters/js/jco/session.ts';
import { CMA_IMPORT_KEY } from '../../adapters/js/jco/async-bindings.ts';
import { PIECE, produce, sourceBytes, Summary } from '../../adapters/js/jco/stream-bindings.ts';
import { jcoInProcess } from './broken-cma.ts';

type Imports = NonNullable<JcoSessionOptions['imports']>;
type HostFns = Record<string, Function>;
type Lifted = { read(opts: { count: number }): Promise<{ value?: Uint8Array; done: boolean }> };

/** The default imports with some awc:cma/host functions replaced (`base` is the correct set). */
function withCma(replace: (base: HostFns, host: Parameters<Imports>[0], tracker: Parameters<Imports>[1]) => HostFns): Imports {
  return (host, tracker) => {
    const imports = defaultImports(host, tracker);
    return { ...imports, [CMA_IMPORT_KEY]: { ...imports[CMA_IMPORT_KEY], ...replace(imports[CMA_IMPORT_KEY]!, host, tracker) } };
  };
}

/** source(n) loses byte 1000 (or the only byte of a shorter stream): the stream is one byte short (CMA-HOST-STREAM-SOURCE, -DROP's read). */
export const sourceDropsAByte = jcoInProcess('broken-cma-host-source-drops-a-byte', {
  imports: withCma((_base, host, tracker) => ({
    source: async (n: number) => {
      const lost = Math.min(1000, n - 1);
      // Offset j of the short stream is byte j of the pattern before `lost`, byte j + 1 after it.
      const bytes = (from: number, length: number) => {
        const pattern = sourceBytes(from, length + 1);
        return pattern.map((_, k) => pattern[from + k < lost ? k : k + 1]!).subarray(0, length);
      };
      return produce(host.openOperation('source', tracker.current), Math.max(0, n - 1), bytes);
    },
  })),
});

/** sink counts one byte more than it read (CMA-HOST-STREAM-SINK). */
export const sinkMiscounts = jcoInProcess('broken-cma-host-sink-miscounts', {
  imports: withCma((base) => ({ sink: async (s: unknown) => ((await base['sink']!(s)) as bigint) + (1n << 32n) })),
});

/** sink answers after its first read (at most 64 KiB), before the guest dropped its writable end (CMA-HOST-STREAM-SINK: the end is the writer's drop). */
export const sinkReturnsEarly = jcoInProcess('broken-cma-host-sink-returns-early', {
  imports: withCma((_base, host, tracker) => ({
    sink: async (s: Lifted) => {
      const op = host.openOperation('sink', tracker.current);
      const summary = new Summary();
      const { value } = await s.read({ count: PIECE });
      if (value) summary.add(value);
      op.ok();
      return summary.value;
    },
  })),
});

/** A source that logs ok when the guest drops the stream early (it never notices the drop) (CMA-HOST-STREAM-DROP). */
export const sourceMissesDrop = jcoInProcess('broken-cma-host-source-misses-drop', {
  imports: withCma((_base, host, tracker) => ({
    source: async (n: number) => {
      const op = host.openOperation('source', tracker.current);
      const inner = produce(op, n >>> 0, sourceBytes)[Symbol.asyncIterator]();
      return {
        [Symbol.asyncIterator]: () => ({
          next: () => inner.next(),
          return: async () => {
            op.ok();
            return { done: true, value: undefined };
          },
        }),
      };
    },
  })),
});

/** http-get sends the request before it consults the grant, then answers the denial (CMA-HOST-STREAM-HTTP: no request when denied). */
export const httpIgnoresGrant = jcoInProcess('broken-cma-host-http-ignores-grant', {
  imports: withCma((base) => ({
    httpGet: async (url: string, max: number) => {
      await fetch(url)
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      return base['httpGet']!(url, max);
    },
  })),
});

/** source's operation is not charged to the call: a cancel of the call leaves the stream running (CMA-HOST-STREAM-CANCEL). */
export const sourceIgnoresCancel = jcoInProcess('broken-cma-host-source-ignores-cancel', {
  imports: withCma((_base, host) => ({ source: async (n: number) => produce(host.openOperation('source', null), n >>> 0, sourceBytes) })),
});
