// JSPI (WebAssembly JavaScript Promise Integration) is not in TypeScript's lib yet.
declare namespace WebAssembly {
  class Suspending {
    constructor(fn: (...args: any[]) => unknown);
  }
  function promising(fn: Function): (...args: any[]) => Promise<any>;
  class SuspendError extends Error {}
}
