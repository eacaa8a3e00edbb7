import { AUTOMATED_UUID_PATTERN, encodeBase64url, type IdentityWarning } from '../../identity/index.js';

/**
 * The uuid of a visitor the host did not name (SPEC §2): the browser's
 * automated uuid when it has the expected shape (random, ≥ 128 bits), else a
 * fresh random one made here, with a warning saying why.
 */
export function automatedUuid(candidate: unknown, warnings: IdentityWarning[]): string {
  if (typeof candidate === 'string' && AUTOMATED_UUID_PATTERN.test(candidate)) return candidate;
  warnings.push(
    candidate === undefined || candidate === null
      ? {
          code: 'W_AUTOMATED_UUID_MISSING',
          path: 'automatedUuid',
          message: 'no uuid and no automated uuid were given; the server made a random one (this visitor will not be recognised on the next visit).',
        }
      : {
          code: 'W_AUTOMATED_UUID_INVALID',
          path: 'automatedUuid',
          message: 'the automated uuid is not 22–64 base64url characters or a UUID; the server made a random one instead.',
        },
  );
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return encodeBase64url(bytes);
}
