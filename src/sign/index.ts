/**
 * `chatq/sign` (SPEC §9): sign a visitor's identity in the host's backend, on
 * any runtime, refusing at once what the community would refuse.
 */
export { signIdentity } from './sign-identity.js';
export type { HmacSignOptions, RsaSignOptions, SignIdentityOptions } from './sign-identity.js';
export { DEFAULT_MIN_TOKEN_LIFETIME, LIFETIME_MARGIN, parseLifetime } from './lifetime.js';
export type { RsaPrivateKeyInput } from './key.js';
export type { IdentityData, IdentityWarning } from '../identity/index.js';
export { IdentityError, isIdentityError } from '../identity/index.js';
