import type * as NodeCrypto from 'node:crypto';
import { importJWK, importPKCS8, type CryptoKey as JoseKey, type KeyObject } from 'jose';
import { encodeBase64url } from '../identity/index.js';
import { builtin } from '../server/runtime/builtin.js';
import { keyTypeName, notRsa, pkcs8KeyType } from './key-type.js';

/** What jose signs with: a WebCrypto key, or a node:crypto KeyObject where the runtime has one. */
export type SigningKey = JoseKey | KeyObject;

/** An RSA private key as signIdentity accepts it. */
export type RsaPrivateKeyInput = string | JsonWebKey | CryptoKey | KeyObject;

/** SPEC §3: the community refuses RSA keys under this size, so a token signed with one could never verify. */
const MIN_RSA_BITS = 2048;
/** SPEC §3: a key id, what a token names in its `kid` header. */
export const KEY_ID = /^[a-z0-9_]{1,64}$/;
const SECRET = /^(?:[0-9a-f]{24}|[0-9a-f]{64})$/;
const encoder = new TextEncoder();

export function checkKid(kid: unknown): string {
  if (typeof kid === 'string' && KEY_ID.test(kid)) return kid;
  const got = typeof kid === 'string' ? JSON.stringify(kid.slice(0, 70)) : String(kid);
  throw new TypeError(`kid must be the id of one of the community's jwtKeys: 1–64 characters a-z 0-9 _ (case-sensitive), got ${got}.`);
}

/** Why a secret is refused, in the community's terms (SPEC §3); never quotes the secret. */
function secretProblem(secret: unknown): string {
  const rule = 'secret must be the 24 or 64 characters 0-9 a-f of the community key';
  if (typeof secret !== 'string') return `${rule}, got ${secret === null ? 'null' : typeof secret}.`;
  if (secret.trim() !== secret && SECRET.test(secret.trim())) {
    return `${rule}; this one has whitespace around it (a trailing newline from a file?): trim it.`;
  }
  if (/[A-F]/.test(secret)) return `${rule}; upper-case hex is not accepted (the key is the string itself): write it in lower case.`;
  return `${rule}, got ${secret.length} characters${/^[0-9a-f]*$/.test(secret) ? '' : ' with some outside 0-9 a-f'}.`;
}

/** Signs a JWT's signing input; resolves to the signature, base64url. */
export type HmacSigner = (signingInput: string) => string | Promise<string>;

type NodeCryptoModule = Pick<typeof NodeCrypto, 'createPrivateKey' | 'createHmac'>;

/**
 * HS256 over the secret string's bytes, exactly as the verifier uses it
 * (SPEC §3): never hex-decoded. node:crypto where the runtime has it, WebCrypto
 * elsewhere (the key imported once per secret). Measured through signIdentity
 * (Node 20.20, shared 2-core machine, a 4-field identity, best of 3 × 20,000,
 * one process): createHmac 131,000 tokens/s, WebCrypto 27,000/s, jose's
 * SignJWT over WebCrypto about 5,000–9,000/s. RS256 goes through jose and
 * WebCrypto (2,500/s): the RSA operation dominates whatever calls it.
 */
async function hmacSigner(secret: unknown): Promise<HmacSigner> {
  if (typeof secret !== 'string' || !SECRET.test(secret)) throw new TypeError(secretProblem(secret));
  const nodeCrypto = builtin('node:crypto') as Partial<NodeCryptoModule> | undefined;
  const createHmac = nodeCrypto?.createHmac;
  if (typeof createHmac === 'function') return (input) => createHmac('sha256', secret).update(input).digest('base64url');
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return async (input) => encodeBase64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(input))));
}

/** PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`): WebCrypto reads only PKCS#8, node:crypto reads both. */
function importPkcs1(pem: string): SigningKey {
  const nodeCrypto = builtin('node:crypto') as Partial<NodeCryptoModule> | undefined;
  if (typeof nodeCrypto?.createPrivateKey !== 'function') {
    throw new TypeError(
      'privateKey is a PKCS#1 PEM (BEGIN RSA PRIVATE KEY), which this runtime cannot read; convert it to PKCS#8 with `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.p8.pem`.',
    );
  }
  return nodeCrypto.createPrivateKey(pem) as unknown as KeyObject;
}

/** PKCS#8 PEM (`BEGIN PRIVATE KEY`): any algorithm's key may be in one, so its type is read first. */
async function importPkcs8(pem: string): Promise<SigningKey> {
  const unreadable = (why = '') => new TypeError(`privateKey is a PEM (BEGIN PRIVATE KEY) that is not a PKCS#8 key${why}: was it cut short or edited?`);
  const type = pkcs8KeyType(pem);
  if (type === undefined) throw unreadable();
  if (type !== 'RSA') throw notRsa(type);
  try {
    return await importPKCS8(pem, 'RS256');
  } catch (error) {
    // WebCrypto's DataError ("Invalid keyData"): the structure holds, its RSA numbers do not.
    throw unreadable(` (${(error as Error)?.message ?? String(error)})`);
  }
}

function importPem(pem: string): Promise<SigningKey> | SigningKey {
  if (/BEGIN ENCRYPTED PRIVATE KEY/.test(pem)) {
    throw new TypeError('privateKey is encrypted; decrypt it first (`openssl pkcs8 -in key.pem -nocrypt -out plain.pem`).');
  }
  if (/BEGIN RSA PRIVATE KEY/.test(pem)) return importPkcs1(pem);
  // SEC1 and OpenSSL's traditional DSA form: `openssl ecparam -genkey` writes the first.
  const traditional = /BEGIN (EC|DSA) PRIVATE KEY/.exec(pem);
  if (traditional) throw notRsa(traditional[1]!);
  if (/BEGIN PRIVATE KEY/.test(pem)) return importPkcs8(pem.trim());
  if (/PUBLIC KEY|CERTIFICATE/.test(pem)) {
    throw new TypeError('privateKey is a public key or a certificate; sign with the private half (the community holds the public one).');
  }
  throw new TypeError('privateKey must be an RSA private key: a PEM (BEGIN PRIVATE KEY), a private JWK, or a CryptoKey.');
}

function modulusBits(key: SigningKey): number | undefined {
  const algorithm = (key as { algorithm?: { modulusLength?: number } }).algorithm;
  if (algorithm?.modulusLength) return algorithm.modulusLength;
  return (key as { asymmetricKeyDetails?: { modulusLength?: number } }).asymmetricKeyDetails?.modulusLength;
}

function checkPrivateRsa(key: SigningKey): SigningKey {
  const described = key as { type?: string; algorithm?: { name?: string }; asymmetricKeyType?: string };
  const rsa = described.asymmetricKeyType === 'rsa' || described.algorithm?.name === 'RSASSA-PKCS1-v1_5';
  const type = described.asymmetricKeyType ?? described.algorithm?.name;
  if (described.type === 'private' && !rsa && typeof type === 'string') throw notRsa(keyTypeName(type));
  if (described.type !== 'private' || !rsa) {
    throw new TypeError('privateKey must be an RSA private key (RS256: RSASSA-PKCS1-v1_5 with SHA-256).');
  }
  const bits = modulusBits(key);
  if (bits !== undefined && bits < MIN_RSA_BITS) {
    throw new RangeError(`privateKey is a ${bits}-bit RSA key; communities refuse keys under ${MIN_RSA_BITS} bits, so its tokens could never verify.`);
  }
  return key;
}

async function importPrivateKey(input: unknown): Promise<SigningKey> {
  if (typeof input === 'string') return checkPrivateRsa(await importPem(input));
  if (typeof input !== 'object' || input === null) {
    throw new TypeError('privateKey must be an RSA private key: a PEM (BEGIN PRIVATE KEY), a private JWK, or a CryptoKey.');
  }
  const jwk = input as JsonWebKey;
  if (typeof jwk.kty === 'string') {
    if (jwk.kty !== 'RSA' && typeof jwk.d === 'string') throw notRsa(keyTypeName(typeof jwk.crv === 'string' && jwk.kty === 'OKP' ? jwk.crv : jwk.kty));
    if (jwk.kty !== 'RSA' || typeof jwk.d !== 'string') {
      throw new TypeError('privateKey is a JWK but not a private RSA one (kty "RSA" with "d"); sign with the private half.');
    }
    return checkPrivateRsa((await importJWK(jwk, 'RS256')) as SigningKey);
  }
  return checkPrivateRsa(input as SigningKey);
}

/** Imported keys, so that a backend signing on every page load imports each key once. */
const bySecret = new Map<string, Promise<HmacSigner>>();
const byText = new Map<string, Promise<SigningKey>>();
const byObject = new WeakMap<object, Promise<SigningKey>>();
const MAX_REMEMBERED = 32;

function remembered<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  let found = cache.get(key);
  if (!found) {
    if (cache.size >= MAX_REMEMBERED) cache.delete(cache.keys().next().value as K);
    found = load();
    cache.set(key, found);
    // A key that failed to import is not remembered: the next call reports the problem afresh.
    found.catch(() => cache.delete(key));
  }
  return found;
}

/** The key to sign with: an HMAC signer for `secret` (HS256), a private key for `privateKey` (RS256). */
export function signingKey(
  options: { secret?: unknown; privateKey?: unknown },
): { alg: 'HS256'; hmac: Promise<HmacSigner> } | { alg: 'RS256'; key: Promise<SigningKey> } {
  const hasSecret = options.secret !== undefined;
  const hasPrivateKey = options.privateKey !== undefined;
  if (hasSecret === hasPrivateKey) {
    throw new TypeError(hasSecret ? 'give either secret (HS256) or privateKey (RS256), not both.' : 'give secret (HS256) or privateKey (RS256).');
  }
  if (hasSecret) {
    const secret = options.secret;
    return { alg: 'HS256', hmac: typeof secret === 'string' ? remembered(bySecret, secret, () => hmacSigner(secret)) : hmacSigner(secret) };
  }
  const input = options.privateKey;
  if (typeof input === 'string') return { alg: 'RS256', key: remembered(byText, input, () => importPrivateKey(input)) };
  if (typeof input === 'object' && input !== null) {
    let found = byObject.get(input);
    if (!found) {
      found = importPrivateKey(input);
      byObject.set(input, found);
      found.catch(() => byObject.delete(input));
    }
    return { alg: 'RS256', key: found };
  }
  return { alg: 'RS256', key: importPrivateKey(input) };
}
