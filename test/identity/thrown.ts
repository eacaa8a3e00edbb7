/** The IdentityError a call throws (any other error is rethrown; no error at all fails the test). */
import { IdentityError } from '../../src/identity/index.js';
import { thrownBy } from '../helpers/thrown.js';

export function thrown(run: () => unknown): IdentityError {
  return thrownBy(IdentityError, run);
}
