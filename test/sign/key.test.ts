/**
 * SPEC §3, the key signIdentity signs with (src/sign/key.ts): the kid's form,
 * a secret as the community takes it, an RSA private key in each accepted
 * form, and the keys remembered between calls. Tokens signed with them are
 * verified in test/sign/sign-identity.test.ts.
 */
import { createHmac, createPrivateKey, generateKeyPairSync, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RS256_ONLY } from '../../src/sign/key-type.js';
import { checkKid, KEY_ID, signingKey, type HmacSigner, type SigningKey } from '../../src/sign/key.js';
import { rsaKey } from '../helpers/sign.js';

/** A secret no other test uses: signers are remembered per secret. */
const freshSecret = (): string => randomBytes(12).toString('hex');

function hmacOf(options: { secret?: unknown; privateKey?: unknown }): Promise<HmacSigner> {
  const key = signingKey(options);
  if (key.alg !== 'HS256') throw new Error(`expected HS256, got ${key.alg}`);
  return key.hmac;
}

function rsaOf(privateKey: unknown): Promise<SigningKey> {
  const key = signingKey({ privateKey });
  if (key.alg !== 'RS256') throw new Error(`expected RS256, got ${key.alg}`);
  return key.key;
}

/** What the key is, whichever of WebCrypto or node:crypto imported it. */
function describeKey(key: SigningKey): { type: string; bits: number | undefined } {
  const described = key as { type: string; algorithm?: { modulusLength?: number }; asymmetricKeyDetails?: { modulusLength?: number } };
  return { type: described.type, bits: described.algorithm?.modulusLength ?? described.asymmetricKeyDetails?.modulusLength };
}

const rsa = rsaKey('rsa_main');
const pem = (key: KeyObject, type: 'pkcs8' | 'pkcs1') => key.export({ type, format: 'pem' }).toString();

describe('checkKid: SPEC §3, 1–64 characters a-z 0-9 _', () => {
  it('gives back a kid of that form, at both lengths', () => {
    for (const kid of ['site_2026', 'a', '_', 'x'.repeat(64)]) expect(checkKid(kid)).toBe(kid);
    expect(KEY_ID.test('x'.repeat(64))).toBe(true);
  });

  it('refuses another case, other characters, no characters or 65 of them, saying the rule', () => {
    for (const kid of ['Site_2026', 'site-2026', 'site 2026', '', 'x'.repeat(65), 'site_2026\n']) {
      expect(() => checkKid(kid), JSON.stringify(kid)).toThrow(
        new TypeError(`kid must be the id of one of the community's jwtKeys: 1–64 characters a-z 0-9 _ (case-sensitive), got ${JSON.stringify(kid)}.`),
      );
    }
  });

  it('quotes at most 70 characters of a long kid and names a value that is not a string', () => {
    expect(() => checkKid('y'.repeat(500))).toThrow(`got "${'y'.repeat(70)}".`);
    expect(() => checkKid(2026)).toThrow(/, got 2026\.$/);
    expect(() => checkKid(undefined)).toThrow(/, got undefined\.$/);
  });
});

describe('signingKey: one of secret or privateKey', () => {
  it('refuses neither and both', () => {
    expect(() => signingKey({})).toThrow(new TypeError('give secret (HS256) or privateKey (RS256).'));
    expect(() => signingKey({ secret: freshSecret(), privateKey: rsa.privateKey })).toThrow(new TypeError('give either secret (HS256) or privateKey (RS256), not both.'));
  });
});

describe('HS256: the secret string itself is the key (SPEC §3)', () => {
  it('signs HMAC-SHA256 over the bytes of the string, never its hex-decoded bytes, for 24 and 64 characters', async () => {
    for (const secret of [freshSecret(), randomBytes(32).toString('hex')]) {
      const signer = await hmacOf({ secret });
      expect(await signer('header.payload')).toBe(createHmac('sha256', secret).update('header.payload').digest('base64url'));
      expect(await signer('header.payload')).not.toBe(createHmac('sha256', Buffer.from(secret, 'hex')).update('header.payload').digest('base64url'));
    }
  });

  it('says what is wrong with a secret in the community\'s terms, never quoting it', async () => {
    const secret = freshSecret();
    const rule = 'secret must be the 24 or 64 characters 0-9 a-f of the community key';
    const cases: [unknown, string][] = [
      [`${secret}\n`, `${rule}; this one has whitespace around it (a trailing newline from a file?): trim it.`],
      [` ${secret}`, `${rule}; this one has whitespace around it (a trailing newline from a file?): trim it.`],
      [secret.toUpperCase().replace(/[0-9]/g, 'A'), `${rule}; upper-case hex is not accepted (the key is the string itself): write it in lower case.`],
      [secret.slice(0, 23), `${rule}, got 23 characters.`],
      [`${secret.slice(0, 23)}g`, `${rule}, got 24 characters with some outside 0-9 a-f.`],
      [`${secret}${secret}`, `${rule}, got 48 characters.`],
      [Buffer.from(secret), `${rule}, got object.`],
      [null, `${rule}, got null.`],
      [24, `${rule}, got number.`],
    ];
    for (const [bad, message] of cases) {
      const error = await hmacOf({ secret: bad }).then(() => undefined, (e: unknown) => e);
      expect(error, message).toEqual(new TypeError(message));
      expect((error as Error).message).not.toContain(secret.slice(0, 12));
    }
  });

  it('imports a secret once: the same signer for the same secret, until 32 others came after it', async () => {
    const first = freshSecret();
    const signer = hmacOf({ secret: first });
    for (let index = 0; index < 31; index++) void hmacOf({ secret: freshSecret() });
    expect(hmacOf({ secret: first })).toBe(signer);
    void hmacOf({ secret: freshSecret() });
    const again = hmacOf({ secret: first });
    expect(again).not.toBe(signer);
    expect(await (await again)('x')).toBe(await (await signer)('x'));
  });

  it('forgets a secret that was refused: the next call reports the problem afresh', async () => {
    const bad = freshSecret().toUpperCase().replace(/[0-9]/g, 'B');
    const first = hmacOf({ secret: bad });
    await expect(first).rejects.toThrow(TypeError);
    const second = hmacOf({ secret: bad });
    expect(second).not.toBe(first);
    await expect(second).rejects.toThrow(/lower case/);
  });
});

describe('RS256: an RSA private key of at least 2048 bits', () => {
  it('reads a PKCS#8 PEM, a PKCS#1 PEM, a private JWK and a KeyObject', async () => {
    const inputs = [pem(rsa.privateKey, 'pkcs8'), pem(rsa.privateKey, 'pkcs1'), rsa.privateKey.export({ format: 'jwk' }), rsa.privateKey];
    for (const input of inputs) expect(describeKey(await rsaOf(input))).toEqual({ type: 'private', bits: 2048 });
  });

  it('refuses a PEM that is encrypted, public, a certificate or no key, saying what to do', async () => {
    const cases: [string, RegExp][] = [
      ['-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----', /^privateKey is encrypted; decrypt it first \(`openssl pkcs8 -in key\.pem -nocrypt -out plain\.pem`\)\.$/],
      [rsa.publicKeyPem, /^privateKey is a public key or a certificate; sign with the private half/],
      ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', /^privateKey is a public key or a certificate/],
      ['not a key', /^privateKey must be an RSA private key: a PEM \(BEGIN PRIVATE KEY\), a private JWK, or a CryptoKey\.$/],
    ];
    for (const [input, message] of cases) await expect(rsaOf(input), input.slice(0, 30)).rejects.toThrow(message);
  });

  it('refuses a JWK that is public or not RSA, and a value that is no key', async () => {
    const { d: _d, ...publicJwk } = rsa.privateKey.export({ format: 'jwk' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await expect(rsaOf(publicJwk)).rejects.toThrow(new TypeError('privateKey is a JWK but not a private RSA one (kty "RSA" with "d"); sign with the private half.'));
    await expect(rsaOf(ec.export({ format: 'jwk' }))).rejects.toThrow(new TypeError(`privateKey is an EC key; ${RS256_ONLY}.`));
    await expect(rsaOf(42)).rejects.toThrow(/^privateKey must be an RSA private key: a PEM/);
    await expect(rsaOf(null)).rejects.toThrow(/^privateKey must be an RSA private key: a PEM/);
  });

  it('refuses a key object that is not an RSA private key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const key of [ec.publicKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey]) {
      await expect(rsaOf(key)).rejects.toThrow(new TypeError('privateKey must be an RSA private key (RS256: RSASSA-PKCS1-v1_5 with SHA-256).'));
    }
  });

  it('refuses a key under 2048 bits (RangeError): the community would refuse every token it signs', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    for (const input of [small, pem(small, 'pkcs1'), small.export({ format: 'jwk' })]) {
      await expect(rsaOf(input)).rejects.toThrow(new RangeError('privateKey is a 1024-bit RSA key; communities refuse keys under 2048 bits, so its tokens could never verify.'));
    }
  });

  it('imports a PEM or a key object once, and forgets one that was refused', async () => {
    const text = pem(rsa.privateKey, 'pkcs8');
    expect(rsaOf(text)).toBe(rsaOf(text));
    const jwk = rsa.privateKey.export({ format: 'jwk' });
    expect(rsaOf(jwk)).toBe(rsaOf(jwk));
    const publicJwk = { kty: 'RSA', n: 'AQAB', e: 'AQAB' };
    const refused = rsaOf(publicJwk);
    await expect(refused).rejects.toThrow(TypeError);
    expect(rsaOf(publicJwk)).not.toBe(refused);
    await expect(rsaOf(publicJwk)).rejects.toThrow(TypeError);
  });
});

describe('RS256 only: a key of another kind is refused by name, whatever form it comes in', () => {
  const refusal = (type: string) => new TypeError(`privateKey is ${type} key; ${RS256_ONLY}.`);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const others: [string, KeyObject][] = [
    ['an EC', ec],
    ['an EC', generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey],
    ['an Ed25519', generateKeyPairSync('ed25519').privateKey],
    ['an Ed448', generateKeyPairSync('ed448').privateKey],
    ['an X25519', generateKeyPairSync('x25519').privateKey],
    ['an RSA-PSS', generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey],
  ];

  it('a PKCS#8 PEM (what `openssl genpkey` writes): a TypeError naming its type, not WebCrypto\'s "Invalid key type"', async () => {
    for (const [type, key] of others) await expect(rsaOf(pem(key, 'pkcs8')), type).rejects.toThrow(refusal(type));
  });

  it('a SEC1 PEM (BEGIN EC PRIVATE KEY, what `openssl ecparam -genkey` writes)', async () => {
    await expect(rsaOf(ec.export({ type: 'sec1', format: 'pem' }).toString())).rejects.toThrow(refusal('an EC'));
  });

  it('a private JWK (EC, OKP by its curve) and a key object, node:crypto\'s or WebCrypto\'s', async () => {
    await expect(rsaOf(ec.export({ format: 'jwk' }))).rejects.toThrow(refusal('an EC'));
    await expect(rsaOf(others[2]![1].export({ format: 'jwk' }))).rejects.toThrow(refusal('an Ed25519'));
    for (const [type, key] of others) await expect(rsaOf(key), type).rejects.toThrow(refusal(type));
    const ecdsa = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    await expect(rsaOf(ecdsa.privateKey)).rejects.toThrow(refusal('an EC'));
  });

  it('a PKCS#8 key of an algorithm without a name here: its OID', async () => {
    const der = others[2]![1].export({ type: 'pkcs8', format: 'der' });
    const at = der.indexOf(Buffer.from([0x06, 0x03, 0x2b, 0x65, 0x70]));
    der[at + 4] = 0x72; // 1.3.101.112 (Ed25519) → 1.3.101.114
    const text = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`;
    await expect(rsaOf(text)).rejects.toThrow(new TypeError(`privateKey is a key of another algorithm (OID 1.3.101.114); ${RS256_ONLY}.`));
  });

  it('a PKCS#8 PEM cut short or edited: a TypeError that says so, never a DOMException', async () => {
    const lines = pem(rsa.privateKey, 'pkcs8').trim().split('\n');
    const cut = [...lines.slice(0, 8), lines.at(-1)].join('\n');
    const message = 'privateKey is a PEM (BEGIN PRIVATE KEY) that is not a PKCS#8 key: was it cut short or edited?';
    await expect(rsaOf(cut)).rejects.toThrow(new TypeError(message));
    await expect(rsaOf('-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----')).rejects.toThrow(new TypeError(message));
    // An RSA PKCS#8 whose structure holds but whose numbers are zeros: WebCrypto's DataError, worded.
    const der = rsa.privateKey.export({ type: 'pkcs8', format: 'der' });
    der.fill(0, 30);
    const zeroed = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----`;
    const error = await rsaOf(zeroed).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^privateKey is a PEM \(BEGIN PRIVATE KEY\) that is not a PKCS#8 key \(.+\): was it cut short or edited\?$/);
  });

  it('still reads an RSA PKCS#8 PEM, and an RSA key node:crypto read from it', async () => {
    expect(describeKey(await rsaOf(pem(rsa.privateKey, 'pkcs8')))).toEqual({ type: 'private', bits: 2048 });
    expect(describeKey(await rsaOf(createPrivateKey(pem(rsa.privateKey, 'pkcs1'))))).toEqual({ type: 'private', bits: 2048 });
  });
});
