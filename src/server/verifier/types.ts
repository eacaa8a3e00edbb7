import type {
  IdentityPolicy,
  IdentityVerifier,
  JwtAlgorithm,
  PredefinedField,
  SignedIdentitiesMode,
  VerifiedIdentity,
  VerifyInput,
} from '../../identity/index.js';
import type { SignatureCheck } from './crypto/types.js';

/** An HMAC key (HS256): 24 characters 0-9 a-f, or 64 (256 bits, recommended). The key is the string's bytes. */
export interface HmacKeyConfig {
  /** `[a-z0-9_]+`, at most 64 characters, unique in the community. Tokens name it in their `kid` header. */
  id: string;
  secret: string;
}

/** An RSA public key (RS256) of at least 2048 bits. */
export interface RsaKeyConfig {
  id: string;
  /** SPKI PEM (`BEGIN PUBLIC KEY`), PKCS#1 PEM (`BEGIN RSA PUBLIC KEY`), an X.509 certificate PEM, or a JWK object. */
  publicKey: string | RsaPublicJwk;
}

/** A public RSA JWK (RFC 7517). Private members (`d`, `p`, `q`, …) are refused. */
export interface RsaPublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  alg?: string;
  use?: string;
  kid?: string;
  key_ops?: string[];
}

export type JwtKeyConfig = HmacKeyConfig | RsaKeyConfig;

/** SPEC §3: a custom field an agent sees, filled only through `extraValueMapping`. */
export interface CustomFieldConfig {
  name: string;
  /**
   * A value is stored only when the whole value matches (anchored like HTML's
   * `pattern` attribute). Use it so that the automated uuid never lands in a
   * field meant for your own customer id.
   *
   * JavaScript syntax without flags (`^CRM-[0-9]+$`, `\d{3}-\d{4}`, `(?:…)`,
   * `(?<name>…)`), with the same meaning, but matched in linear time by RE2
   * because visitors choose the values. Refused by {@link defineCommunity}:
   * backreferences and lookaround (they need backtracking), legacy octal
   * escapes, counts above 1000, and patterns that compile to more than 1000
   * instructions (4000 for all custom fields together). A character outside
   * the BMP (an emoji) counts as one character, as with the `u` flag.
   */
  regex?: string;
}

/**
 * SPEC §3: copy an extra value (or, with key `uuid`, the visitor's uuid) into a field.
 * An automated uuid (anonymous visitor) is never mapped, whatever the field's regex.
 * A mapping onto a predefined field overrides the identity's own value.
 */
export interface ExtraValueMapping {
  key: string;
  field: PredefinedField | { custom: string };
}

/** SPEC §3: the community configuration given to {@link defineCommunity}. */
export interface CommunityConfig {
  /** For editors (`chatq/community.schema.json`); ignored. */
  $schema?: string;
  /**
   * Names the community (`[a-z0-9_-]{1,64}`, default `default`). It is part of
   * every session and conversation key, so communities sharing one store or
   * Redis never see each other's visitors (SPEC §6 "Sharing").
   */
  id?: string;
  /** Default `'require'`. `'accept'` is deprecated and unsafe: unsigned data can claim any uuid. */
  signedIdentities?: SignedIdentitiesMode;
  jwtKeys?: JwtKeyConfig[];
  /** Seconds `exp` must be ahead when an identity is set. Default 3600. */
  minTokenLifetime?: number;
  /** Seconds of leeway on every time comparison. Default 10, at most 300. */
  clockTolerance?: number;
  customFields?: CustomFieldConfig[];
  extraValueMapping?: ExtraValueMapping[];
}

export type { JwtAlgorithm };

/**
 * A key ready to check signatures: imported once, pinned to one algorithm.
 * Make one with {@link createVerificationKey}; key sources hand these out.
 */
export interface VerificationKey {
  readonly id: string;
  /** The only `alg` a token signed with this key may carry. */
  readonly alg: JwtAlgorithm;
  /** RSA modulus length in bits. */
  readonly bits?: number;
  /**
   * True when `signature` is valid for `signingInput`. May throw on broken input; the verifier wraps that.
   * Keys made by chatq may also carry `verify.encoded`, the same check on the signature's base64url part.
   */
  readonly verify: SignatureCheck;
}

/**
 * Where the verifier finds the key a token's `kid` names (SPEC §4): the
 * community's configured keys by default, or a JWKS URL, a file, a vault…
 * Return `undefined` for an unknown kid; throw (or reject) only when the
 * source itself fails (the verifier reports `ERR_KEY_SOURCE`).
 */
export interface KeySource {
  getKey(kid: string): VerificationKey | undefined | Promise<VerificationKey | undefined>;
}

/** A defined, validated community. Holds no secret in any enumerable property. */
export interface Community {
  readonly id: string;
  readonly signedIdentities: SignedIdentitiesMode;
  readonly minTokenLifetime: number;
  readonly clockTolerance: number;
  readonly policy: IdentityPolicy;
  /** The configured keys (ids and algorithms only). */
  readonly keys: readonly { readonly id: string; readonly alg: JwtAlgorithm; readonly bits?: number }[];
  /** The configured keys as a key source: what {@link createVerifier} uses unless told otherwise. */
  readonly keySource: KeySource;
  readonly customFields: readonly Readonly<CustomFieldConfig>[];
  readonly extraValueMapping: readonly Readonly<ExtraValueMapping>[];
}

export interface VerifierOptions {
  /** Replaces the community's configured keys (e.g. {@link createJwksKeySource}). */
  keySource?: KeySource;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
  /**
   * How many verified tokens to remember (LRU keyed by the exact token, entries dropped at `exp`; a token is
   * admitted when it is verified a second time). Default 1000; 0 turns the cache off.
   */
  cacheSize?: number;
}

/** The built-in verifier (SPEC §4). */
export interface Verifier extends IdentityVerifier {
  verify(input: VerifyInput): Promise<VerifiedIdentity>;
  readonly policy: IdentityPolicy;
  /** The community's id: the handler keys everything by it. */
  readonly communityId: string;
  /** @deprecated since 0.3.0: `communityId`, the same id. */
  readonly community: string;
}
