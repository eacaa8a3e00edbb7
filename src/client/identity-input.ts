import type { IdentityData, IdentityPolicy, RegisterRequest } from '../identity/index.js';
import { claimedUuid, inspectToken } from './token.js';

/** What `setIdentity` / `setSignedIdentity` was given, made ready to register. */
export type IdentityInput =
  | { request: RegisterRequest; uuid: string | undefined; problems: string[] }
  | { code: 'ERR_IDENTITY_INVALID' | 'ERR_JWT_MALFORMED'; message: string };

/**
 * Reads a JWT (signed) or an object (unsigned data) as the host gave it,
 * SPEC §5. For a JWT: the claimed uuid (to detect a user switch) and why the
 * server would refuse it, so the console can say so before any request.
 */
export function readIdentityInput(input: unknown, policy: IdentityPolicy, serverNow: number): IdentityInput {
  if (typeof input === 'string') {
    try {
      const { uuid, problems } = inspectToken(input, policy, serverNow);
      return { request: { jwt: input }, uuid, problems };
    } catch (error) {
      return { code: 'ERR_JWT_MALFORMED', message: (error as Error).message };
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { code: 'ERR_IDENTITY_INVALID', message: 'setIdentity takes a JWT string or an object of identity fields.' };
  }
  // Field rules (SPEC §2) are the server's to apply; it answers ERR_IDENTITY_INVALID with the details.
  return { request: { identity: input as IdentityData }, uuid: claimedUuid((input as IdentityData).uuid), problems: [] };
}
