import { IdentityError } from '../../identity/index.js';
import { signatureBackend } from './crypto/backend.js';
import type { SignatureBackend } from './crypto/types.js';
import { keyObjectMistake } from './key-material.js';
import { rememberKeyIds } from './kid-hints.js';
import { checkKnownKeys, describeType, isPlainObject, Problems } from './problems.js';
import { parseRsaPublicKey } from './rsa-key.js';
import { rsaSpki } from './der.js';
import { rememberSecret } from './secret-mistakes.js';
import type { JwtKeyConfig, KeySource, VerificationKey } from './types.js';

const KEY_ID = /^[a-z0-9_]+$/;
const MAX_KEY_ID = 64;
const SECRET = /^(?:[0-9a-f]{24}|[0-9a-f]{64})$/;
const encoder = new TextEncoder();

/** A secret read from a file or an environment variable often keeps its line break: say so rather than "got 65". */
function whitespaceProblem(secret: string, trimmed: string): string {
  const where = /^\s/.test(secret) ? (/\s$/.test(secret) ? 'around it' : 'before it') : 'after it';
  const said = /^[^\s]+\r?\n$/.test(secret) ? 'ends with a newline (trailing line break from the file: trim it)' : `has whitespace ${where} (trim it)`;
  return SECRET.test(trimmed) ? `${said}.` : `${said}; trimmed, it ${secretProblem(trimmed)}`;
}

function secretProblem(secret: unknown): string {
  const rule = 'must be 24 characters 0-9 a-f';
  const hint = ' (or 64 characters for a 256-bit key, which RFC 7518 recommends for HS256)';
  if (typeof secret !== 'string') return keyObjectMistake(secret, 'secret') ?? `${rule}${hint}, got ${describeType(secret)}.`;
  const trimmed = secret.trim();
  if (trimmed === '') return `is ${secret === '' ? 'empty' : 'only whitespace'} — is the environment variable set? It ${rule}${hint}.`;
  if (trimmed !== secret) return whitespaceProblem(secret, trimmed);
  if (secret.length !== 24 && secret.length !== 64) return `${rule}, got ${secret.length}${hint}.`;
  const position = [...secret].findIndex((char) => !/[0-9a-f]/.test(char));
  const upper = /[A-F]/.test(secret) ? ' (upper-case hex is not accepted: the key is the string itself, write it in lower case)' : '';
  return `${rule}${hint}, got a character other than 0-9 a-f at position ${position + 1}${upper}.`;
}

/**
 * What a key is, not its id: a digest of the secret or the RSA modulus, so
 * that two communities can be told apart by their keys (handler/community-claim.ts)
 * without a second copy of a secret. FNV-1a, 64 bits in two halves: an
 * equality check between configurations, not a security boundary.
 */
const fingerprints = new WeakMap<VerificationKey, string>();

function digest(text: string): string {
  let low = 0x811c9dc5;
  let high = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    low = Math.imul(low ^ text.charCodeAt(i), 0x01000193) >>> 0;
    high = Math.imul(high ^ text.charCodeAt(i) ^ (low >>> 24), 0x01000193) >>> 0;
  }
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}

/** `HS256:<id>:<digest>`: the same for the same key configured twice, whatever its form (PEM, JWK). */
export function keyFingerprint(key: VerificationKey): string {
  return fingerprints.get(key) ?? `${key.alg}:${key.id}:unknown`;
}

/** `{ id, secret: process.env.X }` with X unset has a secret member set to undefined. */
function unsetMember(config: Record<string, unknown>): string | undefined {
  return ['secret', 'publicKey'].find((name) => Object.hasOwn(config, name) && config[name] === undefined);
}

/**
 * Validates one key configuration and imports it once. Problems are added
 * under `path`; returns `undefined` when the key is unusable. Messages never
 * contain the secret or the key text.
 */
export function prepareKey(
  config: unknown,
  path: string,
  problems: Problems,
  backend: SignatureBackend = signatureBackend(),
): VerificationKey | undefined {
  if (!isPlainObject(config)) {
    problems.add(path, `must be { id, secret } or { id, publicKey }, got ${describeType(config)}.`);
    return undefined;
  }
  checkKnownKeys(config, ['id', 'secret', 'publicKey'], path, problems);
  const id = config.id;
  let idOk = true;
  if (typeof id !== 'string' || !KEY_ID.test(id) || id.length > MAX_KEY_ID) {
    idOk = false;
    problems.add(
      `${path}.id`,
      `must be 1–${MAX_KEY_ID} characters a-z 0-9 _ (tokens name it in their "kid" header), got ${
        typeof id === 'string' ? JSON.stringify(id.slice(0, 70)) : describeType(id)
      }.`,
    );
  }
  const hasSecret = config.secret !== undefined;
  const hasPublicKey = config.publicKey !== undefined;
  if (hasSecret === hasPublicKey) {
    const unset = hasSecret ? undefined : unsetMember(config);
    if (unset) problems.add(`${path}.${unset}`, 'is undefined — is the environment variable set?');
    else problems.add(path, hasSecret ? 'give either secret (HS256) or publicKey (RS256), not both.' : 'needs a secret (HS256) or a publicKey (RS256).');
    return undefined;
  }
  const keyId = idOk ? (id as string) : '';
  try {
    if (hasSecret) {
      if (typeof config.secret !== 'string' || !SECRET.test(config.secret)) {
        problems.add(`${path}.secret`, secretProblem(config.secret));
        return undefined;
      }
      // The HMAC key is the secret string's bytes, as every JWT library does with a string secret (SPEC §3).
      const check = backend.hmacSha256(encoder.encode(config.secret));
      if (!idOk) return undefined;
      const key: VerificationKey = Object.freeze({ id: keyId, alg: 'HS256', verify: check });
      rememberSecret(key, config.secret, backend);
      fingerprints.set(key, `HS256:${keyId}:${digest(config.secret)}`);
      return key;
    }
    const parsed = parseRsaPublicKey(config.publicKey);
    if (!parsed.ok) {
      problems.add(`${path}.publicKey`, parsed.message);
      return undefined;
    }
    const check = backend.rsaSha256(rsaSpki(parsed.numbers), parsed.numbers.n.length);
    if (!idOk) return undefined;
    const key: VerificationKey = Object.freeze({ id: keyId, alg: 'RS256', bits: parsed.bits, verify: check });
    fingerprints.set(key, `RS256:${keyId}:${digest(Array.from(parsed.numbers.n, (byte) => String.fromCharCode(byte)).join(''))}`);
    return key;
  } catch {
    // Deliberately not the crypto library's message: it could quote key material.
    problems.add(hasSecret ? `${path}.secret` : `${path}.publicKey`, 'the key could not be imported by the runtime\'s crypto.');
    return undefined;
  }
}

/**
 * Imports one key for use in a custom {@link KeySource} (keys from a file, a
 * vault…): the same rules as `jwtKeys` in the community configuration.
 * Throws `ERR_COMMUNITY_INVALID` listing the problems.
 */
export function createVerificationKey(config: JwtKeyConfig): VerificationKey {
  const problems = new Problems();
  const key = prepareKey(config, 'key', problems);
  problems.throwIfAny('key configuration');
  if (!key) throw new IdentityError('ERR_COMMUNITY_INVALID', 'The key configuration could not be used.');
  return key;
}

/** Validates `jwtKeys`: every entry, and unique ids. */
export function prepareKeys(value: unknown, problems: Problems): VerificationKey[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add('jwtKeys', `must be an array of { id, secret } or { id, publicKey }, got ${describeType(value)}.`);
    return [];
  }
  const keys: VerificationKey[] = [];
  const seen = new Map<unknown, number>();
  value.forEach((entry: unknown, index) => {
    const path = `jwtKeys[${index}]`;
    const id = isPlainObject(entry) ? entry.id : undefined;
    if (typeof id === 'string' && seen.has(id)) {
      problems.add(`${path}.id`, `"${id.slice(0, 64)}" is already the id of jwtKeys[${seen.get(id)}]; key ids must be unique.`);
    } else if (typeof id === 'string') seen.set(id, index);
    const key = prepareKey(entry, path, problems);
    if (key) keys.push(key);
  });
  return keys;
}

/** A key source over fixed keys, e.g. the community's `jwtKeys`. */
export function createStaticKeySource(keys: readonly VerificationKey[]): KeySource {
  const byId = new Map(keys.map((key) => [key.id, key] as const));
  const source: KeySource = Object.freeze({ getKey: (kid: string) => byId.get(kid) });
  rememberKeyIds(source, [...byId.keys()]);
  return source;
}
