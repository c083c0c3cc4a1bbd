// JSPI (WebAssembly JavaScript Promise Integration) is not in TypeScript's lib yet.
declare namespace WebAssembly {
  class Suspending {
    constructor(fn: (...args: never[]) => unknown);
  }
  function promising(fn: Function): (...args: unknown[]) => Promise<unknown>;
  class SuspendError extends Error {}
}
