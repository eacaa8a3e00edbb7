import type { IdentityErrorCode } from '../../../../identity/index.js';
import { HttpError } from '../../http/errors.js';

/**
 * How a verifier's IdentityError travels over HTTP (SPEC §4, §6): the code
 * unchanged, the status saying whose move it is.
 * - 400: the request is malformed (the token or data cannot be what it claims).
 * - 401: a well-formed credential that is not acceptable (bad signature, unknown
 *   key, expired or too short-lived, not yet valid) or missing when required.
 * - 403: policy refuses what was sent (a JWT in `reject` mode).
 * - 503 + Retry-After: the key source is down — not the visitor's fault, retry.
 * - 500: a server fault (ERR_COMMUNITY_INVALID or ERR_VERIFIER_CONFIG at request time, ERR_INTERNAL).
 *   identityHttpError leaves these to the handler's catch-all, which logs the
 *   error and answers 500 ERR_INTERNAL with a message that says nothing of internals.
 */
export const IDENTITY_ERROR_STATUS: Readonly<Record<IdentityErrorCode, number>> = Object.freeze({
  ERR_SIGNED_IDENTITY_REQUIRED: 401,
  ERR_SIGNED_IDENTITY_REJECTED: 403,
  ERR_JWT_MALFORMED: 400,
  ERR_JWT_ALG: 400,
  ERR_JWT_KID_MISSING: 400,
  ERR_JWT_KID_UNKNOWN: 401,
  ERR_JWT_HEADER: 400,
  ERR_JWT_SIGNATURE: 401,
  ERR_JWT_EXP_MISSING: 400,
  ERR_JWT_EXPIRED: 401,
  ERR_JWT_EXP_TOO_SOON: 401,
  ERR_JWT_NOT_YET_VALID: 401,
  ERR_JWT_UUID_MISSING: 400,
  ERR_IDENTITY_INVALID: 400,
  ERR_KEY_SOURCE: 503,
  // A community error belongs at definition time; at request time it is a server fault.
  ERR_COMMUNITY_INVALID: 500,
  ERR_VERIFIER_CONFIG: 500,
  // The verifier's own failure (a bug): never the visitor's fault.
  ERR_INTERNAL: 500,
});

/**
 * Turns what a verifier threw into an HttpError, or undefined when it is not an
 * IdentityError (the caller reports that as a 500). Duck-typed on name and
 * code so a verifier from another copy of the package is understood too.
 */
export function identityHttpError(error: unknown): HttpError | undefined {
  if (!(error instanceof Error) || error.name !== 'IdentityError') return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !Object.hasOwn(IDENTITY_ERROR_STATUS, code)) return undefined;
  const status = IDENTITY_ERROR_STATUS[code as IdentityErrorCode];
  if (status >= 500 && status !== 503) return undefined;
  return new HttpError(status, code as IdentityErrorCode, error.message, status === 503 ? { 'Retry-After': '30' } : {});
}
