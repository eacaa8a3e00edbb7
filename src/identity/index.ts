/**
 * The identity model shared by the widget and the server: types, the error
 * class and its codes, JWT decoding (no verification, no crypto), the SPEC §2
 * field rules and the wire protocol. No DOM, no `node:*`.
 */
export { IdentityError, isIdentityError } from './errors.js';
export type { ErrorCode, IdentityErrorCode, ProtocolErrorCode } from './errors.js';
export { PREDEFINED_FIELDS } from './types.js';
export type {
  IdentityData,
  IdentityPolicy,
  IdentityVerifier,
  IdentityWarning,
  PredefinedField,
  SignedIdentitiesMode,
  UuidSource,
  VerifiedIdentity,
  VerifyInput,
} from './types.js';
export { decodeJwt, MAX_JWT_LENGTH } from './jwt.js';
export type { DecodedJwt, JsonObject, JwtPartDecoder } from './jwt.js';
export { decodeBase64url, encodeBase64url } from './base64url.js';
export { normalizeIdentityData, normalizeUuid, FORBIDDEN_KEYS, LIMITS } from './fields.js';
export { EXTRA_VALUE_KEY } from './fields.js';
export type { NormalizedIdentity } from './fields.js';
export { isPlainText, toPlainText } from './text.js';
export { addWarning, capWarnings, MAX_WARNINGS, MAX_WARNING_TEXT } from './warnings.js';
export type { WarningText } from './warnings.js';
export * from './protocol.js';
