import type { IdentityData, RegisterRequest } from '../../identity/index.js';
// The module itself, not the barrel: the barrel brings every identity module's tables into loader.js.
import { uuidName } from '../../identity/uuid.js';
import { peekJwt } from './jwt-peek.js';

/** What `setIdentity` / `setSignedIdentity` was given, made ready to register. */
export type IdentityInput =
  | { request: RegisterRequest; uuid: string | undefined }
  | { code: 'ERR_IDENTITY_INVALID' | 'ERR_JWT_MALFORMED'; message: string };

/**
 * Reads a JWT (signed) or an object (unsigned data) as the host gave it,
 * SPEC §5, with the claimed uuid (to detect a user switch). Anything else was refused before
 * it came here, by the `_chatq` queue (queue.ts) or the ESM entry (index.ts): loader.js carries
 * no second check. Whether the server accepts a JWT is the server's to say: its refusal, in
 * its words, is what the widget logs (session/machine.ts).
 */
export function readIdentityInput(input: string | IdentityData): IdentityInput {
  if (typeof input === 'string') {
    const jwt = peekJwt(input);
    // The fault's name only: the server's answer and `npx chatq explain` word it (the widget has no bytes for that).
    if (typeof jwt === 'string') return { code: 'ERR_JWT_MALFORMED', message: `not a JWT (${jwt}); npx chatq explain says why` };
    return { request: { jwt: input }, uuid: uuidName(jwt.uuid) };
  }
  // Field rules (SPEC §2) are the server's to apply; it answers ERR_IDENTITY_INVALID with the details.
  return { request: { identity: input }, uuid: uuidName(input.uuid) };
}
