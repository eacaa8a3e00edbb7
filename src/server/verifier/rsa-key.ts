import { decodeBase64, decodeBase64url, FORBIDDEN_KEYS } from '../../identity/index.js';
import { modulusBits, readCertificateRsaKey, readPkcs1, readRsaSpki, type RsaNumbers } from './der.js';
import { jwksProblem, keyObjectMistake } from './key-material.js';

/** SPEC §3: RSA keys below this size are refused. */
export const MIN_RSA_BITS = 2048;
/** Larger keys only cost time; nobody signs identities with them. */
export const MAX_RSA_BITS = 16384;

export type RsaKeyResult = { ok: true; numbers: RsaNumbers; bits: number } | { ok: false; message: string };

const PRIVATE_MESSAGE =
  'this is a private key, refused: configure only the public key ' +
  '(`openssl rsa -in private.pem -pubout`), keep the private key on the signing backend, ' +
  'and treat this one as exposed if it was shared.';
const FORMATS = 'an RSA public key as SPKI PEM (BEGIN PUBLIC KEY), PKCS#1 PEM (BEGIN RSA PUBLIC KEY), an X.509 certificate PEM or a JWK';
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
/** An OpenSSH public key line (`ssh-rsa AAAA… comment`), what ~/.ssh/id_rsa.pub holds. */
const OPENSSH_KEY = /^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)\s+AAAA/;

function fail(message: string): RsaKeyResult {
  return { ok: false, message };
}

function checkSize(numbers: RsaNumbers | undefined, what: string): RsaKeyResult {
  if (!numbers) return fail(`the ${what} could not be read as an RSA public key; expected ${FORMATS}.`);
  const bits = modulusBits(numbers.n);
  if (bits < MIN_RSA_BITS) return fail(`RSA keys must be at least ${MIN_RSA_BITS} bits, got ${bits}. Generate a 2048-bit (or larger) key.`);
  if (bits > MAX_RSA_BITS) return fail(`RSA keys must be at most ${MAX_RSA_BITS} bits, got ${bits}.`);
  const e = numbers.e;
  if (e.length > 8 || (e[e.length - 1]! & 1) === 0 || (e.length === 1 && e[0]! < 3)) {
    return fail('the RSA public exponent is not valid (expected an odd number ≥ 3, usually 65537).');
  }
  return { ok: true, numbers, bits };
}

/** A PEM body: standard base64 across lines. */
function base64Bytes(body: string): Uint8Array | undefined {
  const compact = body.replace(/[\r\n\t ]/g, '');
  return compact === '' ? undefined : decodeBase64(compact);
}

function openSshProblem(text: string): RsaKeyResult | undefined {
  const type = OPENSSH_KEY.exec(text)?.[1];
  if (type === undefined) return undefined;
  if (type === 'ssh-rsa') return fail('this is an OpenSSH public key (ssh-rsa AAAA…); convert it to PEM with `ssh-keygen -e -m PKCS8 -f key.pub` and give that.');
  return fail(`this is an OpenSSH ${type} key; RS256 needs an RSA key (ssh-rsa, converted with \`ssh-keygen -e -m PKCS8 -f key.pub\`), or ${FORMATS}.`);
}

function parsePem(text: string): RsaKeyResult {
  // Checked before anything is parsed: a private key must never be imported,
  // and node's createPublicKey would happily derive a public key from one.
  if (/PRIVATE KEY/.test(text)) return fail(PRIVATE_MESSAGE);
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length !== 1) {
    return fail(
      blocks.length === 0
        ? `not a PEM block; expected ${FORMATS}.`
        : `expected exactly one PEM block, got ${blocks.length}; give the signing key's public key or certificate alone.`,
    );
  }
  const [, label, body] = blocks[0]!;
  if (/^\s*[A-Za-z-]+:/m.test(body!)) return fail('PEM blocks with headers (encrypted keys) are not supported.');
  const der = base64Bytes(body!);
  if (!der) return fail('the PEM body is not valid base64.');
  switch (label) {
    case 'PUBLIC KEY':
      return checkSize(readRsaSpki(der), 'SPKI PEM (BEGIN PUBLIC KEY)');
    case 'RSA PUBLIC KEY':
      return checkSize(readPkcs1(der), 'PKCS#1 PEM (BEGIN RSA PUBLIC KEY)');
    case 'CERTIFICATE':
      return checkSize(readCertificateRsaKey(der), 'certificate (its key must be RSA)');
    default:
      return fail(`PEM blocks labelled "${label!.slice(0, 40)}" are not supported; expected ${FORMATS}.`);
  }
}

function parseJwk(jwk: Record<string, unknown>): RsaKeyResult {
  if (PRIVATE_JWK_MEMBERS.some((member) => Object.hasOwn(jwk, member))) return fail(PRIVATE_MESSAGE);
  if (Object.keys(jwk).some((key) => FORBIDDEN_KEYS.has(key))) return fail('the JWK has a forbidden member (__proto__, constructor or prototype).');
  if (jwk.kty !== 'RSA') return fail(`only RSA JWKs are supported (kty "RSA"), got kty ${JSON.stringify(String(jwk.kty).slice(0, 16))}.`);
  if (jwk.alg !== undefined && jwk.alg !== 'RS256') return fail('the JWK\'s alg, when set, must be "RS256".');
  if (jwk.use !== undefined && jwk.use !== 'sig') return fail('the JWK\'s use, when set, must be "sig".');
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
    return fail('the JWK\'s key_ops, when set, must include "verify".');
  }
  const n = typeof jwk.n === 'string' ? decodeBase64url(jwk.n) : undefined;
  const e = typeof jwk.e === 'string' ? decodeBase64url(jwk.e) : undefined;
  if (!n || !e || n.length === 0 || e.length === 0) return fail('the JWK needs "n" and "e" as canonical base64url strings.');
  const strip = (bytes: Uint8Array): Uint8Array => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    return bytes.subarray(start);
  };
  return checkSize({ n: strip(n), e: strip(e) }, 'JWK');
}

/** Reads a `publicKey` config value without ever putting its text into a message. */
export function parseRsaPublicKey(value: unknown): RsaKeyResult {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('{')) {
      if (/"(d|p|q|dp|dq|qi)"\s*:/.test(trimmed)) return fail(PRIVATE_MESSAGE);
      try {
        return parseJwkValue(JSON.parse(trimmed));
      } catch {
        return fail(`looks like JSON but is not valid JSON; expected ${FORMATS}.`);
      }
    }
    return openSshProblem(trimmed) ?? parsePem(trimmed);
  }
  const mistake = keyObjectMistake(value, 'publicKey');
  return mistake === undefined ? parseJwkValue(value) : fail(mistake);
}

function parseJwkValue(value: unknown): RsaKeyResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`expected ${FORMATS}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}.`);
  }
  const jwks = jwksProblem(value as Record<string, unknown>);
  if (jwks === undefined) return parseJwk(value as Record<string, unknown>);
  const keys = (value as { keys: unknown[] }).keys;
  const hasPrivate = keys.some((key) => typeof key === 'object' && key !== null && PRIVATE_JWK_MEMBERS.some((member) => Object.hasOwn(key, member)));
  return fail(hasPrivate ? PRIVATE_MESSAGE : jwks);
}
