/**
 * Shared by the SPEC §4 verifier tests (one file per step): a fixed clock,
 * the community's keys, and small helpers to forge tokens and read refusals.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose),
 * never by the library under test.
 */
import { generateKeyPairSync, type KeyObject, type KeyPairKeyObjectResult } from 'node:crypto';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { IdentityError, type IdentityErrorCode, type VerifyInput } from '../../../src/identity/index.js';
import { createVerifier, defineCommunity, type CommunityConfig } from '../../../src/server/verifier/index.js';
import { b64url, HS_KEY, HS_KEY_256, hmacSignature, rsaKey, rsaSignature } from '../../helpers/sign.js';

export const NOW = 1_800_000_000; // seconds; every verifier here runs on this clock unless a test moves it
/** The same fixed "now", under the name the attack tests use. */
export const T = NOW;
export const rsa = rsaKey('rsa_main');
export const otherRsa = rsaKey('rsa_other');
let attackerPair: KeyPairKeyObjectResult | undefined;
/** An attacker's own RSA key pair, configured nowhere; generated on first use (only a few files need it). */
export const OTHER_RSA = {
  get publicKey(): KeyObject {
    return (attackerPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 })).publicKey;
  },
  get privateKey(): KeyObject {
    return (attackerPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 })).privateKey;
  },
};
export const keys = [
  { id: HS_KEY.kid, secret: HS_KEY.secret },
  { id: HS_KEY_256.kid, secret: HS_KEY_256.secret },
  { id: rsa.kid, publicKey: rsa.publicKeyPem },
];
/** The same key and key list, under the names the attack tests use. */
export const RSA = rsa;
export const KEYS = keys;

export function payload(extra: Record<string, unknown> = {}, lifetime = 7200): Record<string, unknown> {
  return { uuid: 'user-42', exp: NOW + lifetime, iat: NOW, ...extra };
}

export function verifierFor(config: Partial<CommunityConfig> = {}, clock = { seconds: NOW }, cacheSize?: number) {
  const community = defineCommunity({ jwtKeys: keys, ...config });
  return createVerifier(community, { now: () => clock.seconds * 1000, ...(cacheSize === undefined ? {} : { cacheSize }) });
}

export async function failure(promise: Promise<unknown>): Promise<IdentityError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IdentityError);
    return error as IdentityError;
  }
  throw new Error('verify resolved, expected a rejection');
}

export async function codeOf(input: VerifyInput, verifier = verifierFor()): Promise<string> {
  return (await failure(verifier.verify(input))).code;
}

/** A token with a hand-made header, signed with HS_KEY. */
export function hsWithHeader(header: Record<string, unknown>, body: Record<string, unknown> = payload()): string {
  const input = `${b64url(header)}.${b64url(body)}`;
  return `${input}.${hmacSignature(input, HS_KEY.secret)}`;
}

/** The attack tests' verifier: a mode, extra configuration, a clock in milliseconds. */
export function attackVerifier(mode: 'require' | 'reject' | 'accept' = 'require', extra: object = {}, clock = () => T * 1000) {
  const community = defineCommunity({ signedIdentities: mode, jwtKeys: mode === 'reject' ? [] : KEYS, minTokenLifetime: 3600, clockTolerance: 10, ...extra });
  return createVerifier(community, { now: clock });
}
export const require_ = attackVerifier('require');

type Part = object | string;
export const enc = (part: Part): string => b64url(typeof part === 'string' ? part : JSON.stringify(part));
export const hs = (input: string): string => hmacSignature(input, HS_KEY.secret);
export const rs = (input: string): string => rsaSignature(input, RSA.privateKey);
export const HS_HEADER = { alg: 'HS256', typ: 'JWT', kid: HS_KEY.kid };
export const RS_HEADER = { alg: 'RS256', typ: 'JWT', kid: RSA.kid };

/** header.payload signed by `sign` (HMAC with site_2026 by default). */
export function forge(header: Part, body: Part = payload(), sign: (input: string) => string = hs): string {
  const input = `${enc(header)}.${enc(body)}`;
  return `${input}.${sign(input)}`;
}

export async function rejects(input: VerifyInput, code: IdentityErrorCode | IdentityErrorCode[], verifier = require_): Promise<IdentityError> {
  const error: unknown = await verifier.verify(input).then(
    (result) => new Error(`resolved: ${JSON.stringify(result)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdentityError);
  const identityError = error as IdentityError;
  if (Array.isArray(code)) expect(code).toContain(identityError.code);
  else expect(identityError.code).toBe(code);
  // Messages are for integrators: never a secret, never the token's signature.
  expect(identityError.message).not.toContain(HS_KEY.secret);
  if (typeof input.jwt === 'string' && input.jwt.length > 40) expect(identityError.message).not.toContain(input.jwt.slice(-30));
  return identityError;
}
export const jwt = (token: string, verifier = require_) => verifier.verify({ jwt: token });

/**
 * Hooks every verifier test file installs: definition-time warnings (the
 * deprecated 'accept' mode) muted, and after each test a check that nothing
 * polluted Object.prototype.
 */
export function useVerifierTestHooks(): void {
  beforeEach(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
}
