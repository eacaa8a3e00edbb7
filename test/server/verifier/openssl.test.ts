/**
 * Tokens signed by the `openssl` CLI — a signer that shares no code with
 * node:crypto's JS layer or jose — verify, and the public key formats openssl
 * writes (SPKI, PKCS#1, X.509 certificate) are accepted by defineCommunity
 * (SPEC §3). Keys are generated into a temporary directory per run.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/identity/index.js';
import { createVerifier, defineCommunity } from '../../../src/server/verifier/index.js';
import { b64url } from '../../helpers/sign.js';

const T = 1_800_000_000;
let dir = '';
const file = (name: string): string => join(dir, name);
const read = (name: string): string => readFileSync(file(name), 'utf8');
const openssl = (args: string[], input?: string): Buffer =>
  execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chatq-openssl-'));
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file('key.pem')]);
  openssl(['pkey', '-in', file('key.pem'), '-pubout', '-out', file('spki.pem')]);
  openssl(['rsa', '-in', file('key.pem'), '-pubout', '-RSAPublicKey_out', '-out', file('pkcs1.pem')]);
  openssl(['rsa', '-in', file('key.pem'), '-traditional', '-out', file('key-pkcs1.pem')]);
  openssl(['req', '-x509', '-new', '-key', file('key.pem'), '-subj', '/CN=chatq test', '-days', '2', '-sha256', '-out', file('cert.pem')]);
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', file('small.pem')]);
  openssl(['pkey', '-in', file('small.pem'), '-pubout', '-out', file('small-spki.pem')]);
  openssl(['req', '-x509', '-new', '-key', file('small.pem'), '-subj', '/CN=small', '-days', '2', '-out', file('small-cert.pem')]);
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', file('big.pem')]);
  openssl(['pkey', '-in', file('big.pem'), '-pubout', '-out', file('big-spki.pem')]);
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-pkeyopt', 'rsa_keygen_pubexp:3', '-out', file('e3.pem')]);
  openssl(['rsa', '-in', file('e3.pem'), '-pubout', '-RSAPublicKey_out', '-out', file('e3-pkcs1.pem')]);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('ec.pem')]);
  openssl(['pkey', '-in', file('ec.pem'), '-pubout', '-out', file('ec-spki.pem')]);
  openssl(['req', '-x509', '-new', '-key', file('ec.pem'), '-subj', '/CN=ec', '-days', '2', '-out', file('ec-cert.pem')]);
  openssl(['genpkey', '-algorithm', 'ED25519', '-out', file('ed.pem')]);
  openssl(['pkey', '-in', file('ed.pem'), '-pubout', '-out', file('ed-spki.pem')]);
  openssl(['genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file('pss.pem')]);
  openssl(['pkey', '-in', file('pss.pem'), '-pubout', '-out', file('pss-spki.pem')]);
}, 180_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const payload = { uuid: 'openssl-visitor', exp: T + 7200, iat: T, firstname: 'Ada' };
const signingInput = (alg: string, kid: string): string => `${b64url({ alg, typ: 'JWT', kid })}.${b64url(payload)}`;

function hs256(kid: string, secret: string): string {
  const input = signingInput('HS256', kid);
  return `${input}.${openssl(['dgst', '-sha256', '-hmac', secret, '-binary'], input).toString('base64url')}`;
}
function rs256(kid: string, keyFile = 'key.pem'): string {
  const input = signingInput('RS256', kid);
  return `${input}.${openssl(['dgst', '-sha256', '-sign', file(keyFile), '-binary'], input).toString('base64url')}`;
}
const verifierFor = (jwtKeys: Parameters<typeof defineCommunity>[0]['jwtKeys']) =>
  createVerifier(defineCommunity({ jwtKeys }), { now: () => T * 1000 });

function communityProblems(config: Parameters<typeof defineCommunity>[0]): IdentityError {
  try {
    defineCommunity(config);
  } catch (error) {
    expect(error).toBeInstanceOf(IdentityError);
    expect((error as IdentityError).code).toBe('ERR_COMMUNITY_INVALID');
    return error as IdentityError;
  }
  throw new Error('defineCommunity accepted the configuration');
}

describe('HS256 signed by openssl dgst -hmac', () => {
  it.each([
    ['24-character secret', '0123456789abcdef01234567'],
    ['64-character secret', 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210'],
  ])('%s verifies', async (_name, secret) => {
    const result = await verifierFor([{ id: 'site_openssl', secret }]).verify({ jwt: hs256('site_openssl', secret) });
    expect(result).toMatchObject({ uuid: 'openssl-visitor', uuidSource: 'jwt', signed: true, kid: 'site_openssl', expiresAt: (T + 7200) * 1000, fields: { firstname: 'Ada' } });
  });
  it('a token signed with a different secret does not', async () => {
    const verifier = verifierFor([{ id: 'site_openssl', secret: '0123456789abcdef01234567' }]);
    const error = await verifier.verify({ jwt: hs256('site_openssl', '0123456789abcdef01234568') }).catch((e: unknown) => e);
    expect((error as IdentityError).code).toBe('ERR_JWT_SIGNATURE');
  });
});

describe('RS256 signed by openssl dgst -sign, public key in each format openssl writes', () => {
  const formats: [string, () => string | object][] = [
    ['SPKI PEM (openssl pkey -pubout)', () => read('spki.pem')],
    ['PKCS#1 PEM (openssl rsa -RSAPublicKey_out)', () => read('pkcs1.pem')],
    ['X.509 certificate PEM (openssl req -x509)', () => read('cert.pem')],
    ['JWK of the same key', () => createPublicKey(read('spki.pem')).export({ format: 'jwk' })],
  ];
  it('the formats really are what their names say', () => {
    expect(read('spki.pem')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(read('pkcs1.pem')).toMatch(/^-----BEGIN RSA PUBLIC KEY-----/);
    expect(read('cert.pem')).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
  it.each(formats)('%s', async (_name, publicKey) => {
    const verifier = verifierFor([{ id: 'rsa_openssl', publicKey: publicKey() as string }]);
    const result = await verifier.verify({ jwt: rs256('rsa_openssl') });
    expect(result).toMatchObject({ uuid: 'openssl-visitor', signed: true, kid: 'rsa_openssl', fields: { firstname: 'Ada' } });
    // The same key must not verify a token whose payload was altered.
    const [h, , s] = rs256('rsa_openssl').split('.');
    const altered = `${h}.${b64url({ ...payload, uuid: 'admin' })}.${s}`;
    expect(((await verifier.verify({ jwt: altered }).catch((e: unknown) => e)) as IdentityError).code).toBe('ERR_JWT_SIGNATURE');
  });
  it('CRLF line endings and surrounding whitespace in the PEM are tolerated', async () => {
    const pem = `\n  ${read('spki.pem').replace(/\n/g, '\r\n')}  \n`;
    expect((await verifierFor([{ id: 'rsa_openssl', publicKey: pem }]).verify({ jwt: rs256('rsa_openssl') })).uuid).toBe('openssl-visitor');
  });
  it('openssl HS256 and RS256 keys live side by side (rotation)', async () => {
    const verifier = verifierFor([
      { id: 'site_old', secret: '0123456789abcdef01234567' },
      { id: 'rsa_new', publicKey: read('cert.pem') },
    ]);
    expect((await verifier.verify({ jwt: hs256('site_old', '0123456789abcdef01234567') })).kid).toBe('site_old');
    expect((await verifier.verify({ jwt: rs256('rsa_new') })).kid).toBe('rsa_new');
  });
});

describe('other RSA keys openssl writes', () => {
  it.each([
    ['a 3072-bit key (SPKI)', 'big-spki.pem', 'big.pem'],
    ['public exponent 3 (PKCS#1)', 'e3-pkcs1.pem', 'e3.pem'],
  ])('%s is accepted and verifies', async (_name, pub, priv) => {
    const verifier = verifierFor([{ id: 'rsa_x', publicKey: read(pub) }]);
    expect((await verifier.verify({ jwt: rs256('rsa_x', priv) })).uuid).toBe('openssl-visitor');
    const other = await verifier.verify({ jwt: rs256('rsa_x') }).catch((e: unknown) => e);
    expect((other as IdentityError).code).toBe('ERR_JWT_SIGNATURE');
  });
  it('an RSA-PSS key (id-RSASSA-PSS) is refused, or verifies only genuine RS256 signatures', async () => {
    let verifier;
    try {
      verifier = verifierFor([{ id: 'rsa_pss', publicKey: read('pss-spki.pem') }]);
    } catch (error) {
      expect((error as IdentityError).code).toBe('ERR_COMMUNITY_INVALID');
      return;
    }
    const token = rs256('rsa_pss', 'pss.pem');
    const result = await verifier.verify({ jwt: token }).catch((e: unknown) => e);
    if (result instanceof IdentityError) expect(result.code).toBe('ERR_JWT_SIGNATURE');
    else expect((result as { uuid: string }).uuid).toBe('openssl-visitor');
  });
});

describe('keys openssl writes that must be refused', () => {
  it.each([
    ['an EC P-256 SPKI key', 'ec-spki.pem'],
    ['an EC certificate', 'ec-cert.pem'],
    ['an Ed25519 SPKI key', 'ed-spki.pem'],
  ])('%s (RS256 needs RSA)', (_name, name) => {
    const error = communityProblems({ jwtKeys: [{ id: 'rsa_wrong', publicKey: read(name) }] });
    expect(error.problems.map((p) => p.path)).toContain('jwtKeys[0].publicKey');
  });
  it('a certificate with its private key appended (a combined .pem), without echoing either', () => {
    const key = read('key.pem');
    const error = communityProblems({ jwtKeys: [{ id: 'rsa_combined', publicKey: `${read('cert.pem')}${key}` }] });
    expect(JSON.stringify({ m: error.message, p: error.problems })).not.toContain(key.split('\n')[1]!.slice(0, 24));
    expect(JSON.stringify(error.problems)).toMatch(/private/i);
  });
  it('a private JWK (with d, p, q…) exported from the openssl key, without echoing it', () => {
    const jwk = createPrivateKey(read('key.pem')).export({ format: 'jwk' });
    for (const publicKey of [jwk, JSON.stringify(jwk)]) {
      const error = communityProblems({ jwtKeys: [{ id: 'rsa_jwk', publicKey: publicKey as string }] });
      const everything = JSON.stringify({ m: error.message, p: error.problems });
      expect(everything).not.toContain(String(jwk.d).slice(0, 24));
      expect(everything).toMatch(/private/i);
    }
  });
  it.each([
    ['a PKCS#8 private key', 'key.pem', /PRIVATE KEY/],
    ['a PKCS#1 private key', 'key-pkcs1.pem', /RSA PRIVATE KEY/],
  ])('%s, without echoing it', (_name, name, banner) => {
    const pem = read(name);
    expect(pem).toMatch(banner);
    const error = communityProblems({ jwtKeys: [{ id: 'rsa_oops', publicKey: pem }] });
    const body = pem.split('\n')[1]!;
    const everything = JSON.stringify({ message: error.message, problems: error.problems });
    expect(everything).not.toContain(body.slice(0, 24));
    expect(everything).toMatch(/private/i);
    expect(error.problems.map((p) => p.path)).toContain('jwtKeys[0].publicKey');
  });
  it.each([
    ['a 1024-bit SPKI key', 'small-spki.pem'],
    ['a 1024-bit X.509 certificate', 'small-cert.pem'],
  ])('%s', (_name, name) => {
    const error = communityProblems({ jwtKeys: [{ id: 'rsa_small', publicKey: read(name) }] });
    expect(error.problems.map((p) => p.path)).toContain('jwtKeys[0].publicKey');
    expect(JSON.stringify(error.problems)).toMatch(/2048/);
  });
  it('a truncated PEM', () => {
    const pem = read('spki.pem');
    communityProblems({ jwtKeys: [{ id: 'rsa_cut', publicKey: pem.slice(0, pem.length / 2) }] });
  });
});
