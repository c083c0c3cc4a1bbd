/**
 * Rows and tools the tests need: on a developer machine a missing one is skipped with a warning;
 * in CI (`CI=true`) it is a failure, so a missing install step can never turn into a green run.
 */
export function needInCI(what: string, available: boolean, reason: string): boolean {
  if (available) return true;
  if (process.env['CI'] === 'true') throw new Error(`${what} is required in CI (CI=true) but unavailable: ${reason}`);
  console.warn(`${what}: tests skipped — ${reason}`);
  return false;
}
