/**
 * The identity model shared by the widget and the server: types, the error
 * class and its codes, JWT decoding and the token checks that need no key
 * (SPEC §4 steps 2, 3 and 5: no verification, no crypto), the SPEC §2 field
 * rules, the bounds both sides apply (time claims, constant-time comparison)
 * and the wire protocol with its codes. Each rule is written once, here.
 * No DOM, no `node:*`.
 */
export { ChatqError, describeProblems, IdentityError, isChatqError, isIdentityError } from './errors.js';
export type { ChatqErrorCode, ConfigProblem, EngineErrorCode, HandlerConfigErrorCode, IdentityErrorCode } from './errors.js';
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
export { decodeJwt, MAX_JWT_LENGTH, splitJwt } from './jwt.js';
export { checkHeader, MAX_HEADER_LENGTH } from './jwt-header.js';
export type { JwtAlgorithm } from './jwt-header.js';
export { checkTimes, formatDuration, readSignedUuid, readTimeClaims } from './jwt-claims.js';
export type { TimeClaims } from './jwt-claims.js';
export type { DecodedJwt, JsonObject, JwtFault, JwtPartDecoder } from './jwt.js';
export { decodeBase64, decodeBase64url, encodeBase64url } from './base64url.js';
export { constantTimeEqual } from './constant-time.js';
export { isTooFarAhead, MAX_TIME_AHEAD_SECONDS } from './time-bounds.js';
export { looksLikeMilliseconds, looksLikeSeconds, SECONDS_EXPIRES_AT, secondsFix } from './hints.js';
export { normalizeIdentityData, normalizeUuid, FORBIDDEN_KEYS, LIMITS } from './fields.js';
export { uuidName } from './uuid.js';
export { EXTRA_VALUE_KEY } from './fields.js';
export type { NormalizedIdentity } from './fields.js';
export { isPlainText, toPlainText } from './text.js';
export { addWarning, capWarnings, MAX_WARNINGS, MAX_WARNING_TEXT } from './warnings.js';
export type { WarningText } from './warnings.js';
export * from './protocol.js';
export * from './wire.js';
