/** The IdentityError a call throws (any other error is rethrown; no error at all fails the test). */
import { isIdentityError, type IdentityError } from '../../src/identity/index.js';

export function thrown(run: () => unknown): IdentityError {
  try {
    run();
  } catch (error) {
    if (isIdentityError(error)) return error;
    throw error;
  }
  throw new Error('expected an IdentityError, and nothing was thrown');
}
