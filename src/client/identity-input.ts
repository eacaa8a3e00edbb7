import { decodeJwt, type IdentityData, type RegisterRequest } from '../identity/index.js';
import { claimedUuid } from './token.js';

/** What `setIdentity` / `setSignedIdentity` was given, made ready to register. */
export type IdentityInput =
  | { request: RegisterRequest; uuid: string | undefined }
  | { code: 'ERR_IDENTITY_INVALID' | 'ERR_JWT_MALFORMED'; message: string };

/**
 * Reads a JWT (signed) or an object (unsigned data) as the host gave it,
 * SPEC §5, with the claimed uuid (to detect a user switch). Whether the
 * server will accept a JWT is judged apart (`inspectToken`), once the
 * server's policy is known.
 */
export function readIdentityInput(input: unknown): IdentityInput {
  if (typeof input === 'string') {
    try {
      return { request: { jwt: input }, uuid: claimedUuid(decodeJwt(input).payload.uuid) };
    } catch (error) {
      return { code: 'ERR_JWT_MALFORMED', message: (error as Error).message };
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { code: 'ERR_IDENTITY_INVALID', message: 'setIdentity takes a JWT or an object.' };
  }
  // Field rules (SPEC §2) are the server's to apply; it answers ERR_IDENTITY_INVALID with the details.
  return { request: { identity: input as IdentityData }, uuid: claimedUuid((input as IdentityData).uuid) };
}
