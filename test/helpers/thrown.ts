/** The error of class `kind` that `run` throws: any other error is rethrown, and nothing thrown fails the test. */
export function thrownBy<T extends Error>(kind: abstract new (...args: never[]) => T, run: () => unknown): T {
  try {
    run();
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`expected a ${kind.name}, and nothing was thrown`);
}
