/**
 * The community configuration (SPEC §3) and the identity verifier (SPEC §4)
 * of `chatq/server`.
 */
export { defineCommunity } from './community.js';
export { createVerifier } from './verifier.js';
export { createStaticKeySource, createVerificationKey } from './keys.js';
export { createJwksKeySource } from './jwks.js';
export type { JwksKeySourceOptions } from './jwks.js';
export type {
  Community,
  CommunityConfig,
  CustomFieldConfig,
  ExtraValueMapping,
  HmacKeyConfig,
  JwtAlgorithm,
  JwtKeyConfig,
  KeySource,
  RsaKeyConfig,
  RsaPublicJwk,
  VerificationKey,
  Verifier,
  VerifierOptions,
} from './types.js';
