import type { IdentityData, JsonObject, RegisterRequest } from '../../identity/index.js';
// The module itself, not the barrel: the barrel brings every identity module's tables into loader.js.
import { uuidName } from '../../identity/uuid.js';
import { peekJwt } from './jwt-peek.js';

/** What `setIdentity` / `setSignedIdentity` was given, made ready to register. */
export type IdentityInput =
  | { request: RegisterRequest; uuid: string | undefined; jwt?: JsonObject }
  | { code: 'ERR_IDENTITY_INVALID' | 'ERR_JWT_MALFORMED'; message: string };

/**
 * Reads a JWT (signed) or an object (unsigned data) as the host gave it,
 * SPEC §5, with the claimed uuid (to detect a user switch). Whether the
 * server will accept a JWT is judged apart (`inspectToken`), once the
 * server's policy is known.
 */
export function readIdentityInput(input: unknown): IdentityInput {
  if (typeof input === 'string') {
    const jwt = peekJwt(input);
    // The fault's name only: the server's answer and `npx chatq explain` word it (the widget has no bytes for that).
    if (typeof jwt === 'string') return { code: 'ERR_JWT_MALFORMED', message: `not a JWT (${jwt}); npx chatq explain says why` };
    return { request: { jwt: input }, uuid: uuidName(jwt.uuid), jwt };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { code: 'ERR_IDENTITY_INVALID', message: 'setIdentity takes a JWT or an object.' };
  }
  // Field rules (SPEC §2) are the server's to apply; it answers ERR_IDENTITY_INVALID with the details.
  return { request: { identity: input as IdentityData }, uuid: uuidName((input as IdentityData).uuid) };
}
