/**
 * SPEC §4 "errors carry messages written for integrators" and §9: the
 * mistakes integrators make most say what to fix in the verifier's own error
 * (what a backend developer reads in a log or an HTTP error body), with the
 * same stable code as before. Tokens are signed here with node:crypto by hand
 * (the HMAC key given as the backend got it wrong), never by chatq.
 */
import { createHmac, createSecretKey, generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/identity/index.js';
import type { HmacCheck, SignatureBackend } from '../../../src/server/verifier/crypto/types.js';
import { webCryptoBackend } from '../../../src/server/verifier/crypto/webcrypto.js';
import { createStaticKeySource, createVerifier, defineCommunity, type CommunityConfig, type KeySource } from '../../../src/server/verifier/index.js';
import { prepareKey } from '../../../src/server/verifier/keys.js';
import { Problems } from '../../../src/server/verifier/problems.js';
import { b64url, rsaKey } from '../../helpers/sign.js';
import { failure, NOW, payload, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

const SECRET_24 = '0123456789abcdef01234567';
const SECRET_64 = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const rsa = rsaKey('rsa_main');

/** HS256 over `key` exactly as given: a string's UTF-8 bytes, or raw bytes. */
function signWith(key: string | Uint8Array, kid: string, body: object = payload()): string {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid })}.${b64url(body)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

function verifierWith(jwtKeys: CommunityConfig['jwtKeys'], keySource?: KeySource) {
  return createVerifier(defineCommunity({ jwtKeys }), { now: () => NOW * 1000, ...(keySource ? { keySource } : {}) });
}

const twoSecrets = verifierWith([{ id: 'hs24', secret: SECRET_24 }, { id: 'hs64', secret: SECRET_64 }]);

async function refusal(jwt: string, verifier = twoSecrets): Promise<IdentityError> {
  const error = await failure(verifier.verify({ jwt }));
  // Never the secret (in any form), never the token.
  for (const secret of [SECRET_24, SECRET_64]) expect(error.message).not.toContain(secret);
  expect(error.message).not.toContain(jwt.slice(jwt.lastIndexOf('.') + 1));
  return error;
}

/** defineCommunity's problem list for one key configuration. */
function keyProblems(key: unknown): { path: string; message: string }[] {
  try {
    defineCommunity({ jwtKeys: [key] } as CommunityConfig);
  } catch (error) {
    expect((error as IdentityError).code).toBe('ERR_COMMUNITY_INVALID');
    // Every problem carries the error's code; these tests read its path and message.
    return (error as IdentityError).problems.map(({ path, message }) => ({ path, message }));
  }
  throw new Error('defineCommunity accepted the key');
}

describe('ERR_JWT_SIGNATURE says which mistaken HS256 key the token verifies with', () => {
  it('the hex-decoded secret', async () => {
    for (const [kid, secret] of [['hs24', SECRET_24], ['hs64', SECRET_64]]) {
      const error = await refusal(signWith(Buffer.from(secret!, 'hex'), kid!));
      expect(error.code).toBe('ERR_JWT_SIGNATURE');
      expect(error.message).toBe(
        `The JWT signature does not verify with key "${kid}", but it verifies with the hex-decoded secret: the backend decoded the secret before signing; sign with the secret string itself (its characters are the HMAC key).`,
      );
    }
  });

  it('the base64- or base64url-decoded secret', async () => {
    for (const encoding of ['base64', 'base64url'] as const) {
      for (const [kid, secret] of [['hs24', SECRET_24], ['hs64', SECRET_64]]) {
        const error = await refusal(signWith(Buffer.from(secret!, encoding), kid!));
        expect(error.code).toBe('ERR_JWT_SIGNATURE');
        expect(error.message).toMatch(/, but it verifies with the base64-decoded secret \(base64 or base64url\): the backend decoded the secret before signing; sign with the secret string itself/);
      }
    }
  });

  it('the secret followed by a newline (read from a file)', async () => {
    const error = await refusal(signWith(`${SECRET_24}\n`, 'hs24'));
    expect(error.code).toBe('ERR_JWT_SIGNATURE');
    expect(error.message).toBe(
      'The JWT signature does not verify with key "hs24", but it verifies with the secret followed by a newline: the backend read the secret from a file with its trailing line break; trim the secret where the backend reads it.',
    );
  });

  it('no likely mistake: the plain message, for HS256 and RS256', async () => {
    expect((await refusal(signWith('76543210fedcba9876543210', 'hs24'))).message).toBe(
      'The JWT signature does not verify with key "hs24"; sign with that key\'s secret, and do not alter the token after signing.',
    );
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: rsa.kid })}.${b64url(payload())}`;
    const jwt = `${input}.${sign('sha256', Buffer.from(input), other.privateKey).toString('base64url')}`;
    const error = await failure(verifierWith([{ id: rsa.kid, publicKey: rsa.publicKeyPem }]).verify({ jwt }));
    expect(error).toMatchObject({ code: 'ERR_JWT_SIGNATURE', message: `The JWT signature does not verify with key "${rsa.kid}"; sign with that key's private key, and do not alter the token after signing.` });
  });

  it('the WebCrypto backend (asynchronous checks) says the same', async () => {
    const key = prepareKey({ id: 'hs24', secret: SECRET_24 }, 'key', new Problems(), webCryptoBackend())!;
    const verifier = verifierWith([{ id: 'hs24', secret: SECRET_24 }], createStaticKeySource([key]));
    expect((await refusal(signWith(Buffer.from(SECRET_24, 'hex'), 'hs24'), verifier)).message).toMatch(/, but it verifies with the hex-decoded secret/);
    expect((await refusal(signWith(`${SECRET_24}\n`, 'hs24'), verifier)).message).toMatch(/, but it verifies with the secret followed by a newline/);
    await expect(verifier.verify({ jwt: signWith(SECRET_24, 'hs24') })).resolves.toMatchObject({ uuid: 'user-42' });
  });

  it('costs three HMACs per refused token, keys imported once, and nothing when the signature verifies', async () => {
    let imports = 0;
    let hmacs = 0;
    // A synchronous HMAC backend (like node.ts) that counts key imports and HMACs.
    const counting: SignatureBackend = {
      ...webCryptoBackend(),
      hmacSha256(bytes) {
        imports++;
        const mac = (input: string) => createHmac('sha256', createSecretKey(bytes)).update(input, 'latin1').digest('base64url');
        const check = (input: string, signature: Uint8Array) => (hmacs++, mac(input) === Buffer.from(signature).toString('base64url'));
        return Object.assign(check, { encoded: (input: string, part: string) => (hmacs++, mac(input) === part) }) satisfies HmacCheck;
      },
    };
    const key = prepareKey({ id: 'hs24', secret: SECRET_24 }, 'key', new Problems(), counting)!;
    const verifier = createVerifier(defineCommunity({ jwtKeys: [{ id: 'hs24', secret: SECRET_24 }] }), { keySource: createStaticKeySource([key]), now: () => NOW * 1000, cacheSize: 0 });
    for (let i = 0; i < 5; i++) await verifier.verify({ jwt: signWith(SECRET_24, 'hs24', payload({ uuid: `u${i}` })) });
    expect({ imports, hmacs }).toEqual({ imports: 1, hmacs: 5 });
    for (let i = 0; i < 5; i++) await failure(verifier.verify({ jwt: signWith('76543210fedcba9876543210', 'hs24', payload({ uuid: `u${i}` })) }));
    expect({ imports, hmacs }).toEqual({ imports: 1 + 3, hmacs: 5 + 5 * (1 + 3) });
  });
});

describe('ERR_JWT_UUID_MISSING names the member set instead of uuid', () => {
  const verifier = verifierWith([{ id: 'hs24', secret: SECRET_24 }]);
  const missing = async (body: object) => {
    const error = await refusal(signWith(SECRET_24, 'hs24', { exp: NOW + 7200, ...body }), verifier);
    expect(error).toMatchObject({ code: 'ERR_JWT_UUID_MISSING', path: 'payload.uuid' });
    return error.message;
  };

  it('`sub`, and the other usual look-alikes', async () => {
    expect(await missing({ sub: 'user-42' })).toBe('The JWT has no uuid: `sub` is set; chatq reads `uuid`. Put the visitor\'s id in your system in "uuid" (sub may stay).');
    for (const name of ['user_id', 'userId', 'id', 'UUID', 'visitor-id', 'customer_id']) {
      expect(await missing({ [name]: 'user-42' })).toBe(`The JWT has no uuid: \`${name}\` is set; chatq reads \`uuid\`. Put the visitor's id in your system in "uuid".`);
    }
    // sub is the one named when there are several.
    expect(await missing({ id: 1, sub: 'user-42' })).toMatch(/`sub` is set/);
    expect(await missing({ user: { uuid: 'user-42' } })).toMatch(/the identity is nested under `user`; put uuid and the other identity fields at the top level/);
    expect(await missing({ firstname: 'Ada' })).toBe('The JWT has no uuid; a signed identity must carry the visitor\'s id in your system as "uuid".');
  });
});

describe('ERR_JWT_KID_UNKNOWN names the configured id it meant', () => {
  it('ids are case-sensitive (and take no whitespace); otherwise at most three configured ids', async () => {
    const kidError = async (kid: string, verifier = twoSecrets) => {
      const error = await refusal(signWith(SECRET_64, kid), verifier);
      expect(error).toMatchObject({ code: 'ERR_JWT_KID_UNKNOWN', path: 'header.kid' });
      return error.message;
    };
    expect(await kidError('HS64')).toBe('The JWT kid "HS64" names no configured key; key ids are case-sensitive: did you mean "hs64"? Set kid to "hs64".');
    expect(await kidError(' hs64')).toBe('The JWT kid " hs64" names no configured key; the kid has whitespace around it: did you mean "hs64"? Set kid to "hs64".');
    expect(await kidError('hs128')).toMatch(/names no configured key; set kid to the id of one of the community's jwtKeys \(tokens signed with a removed key stop verifying\); the configured ids are "hs24", "hs64"\.$/);
    const many = verifierWith(['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, secret: SECRET_24 })));
    expect(await kidError('z', many)).toMatch(/the configured ids are "a", "b", "c" and 2 more\.$/);
    // A key source that is not over fixed keys (a JWKS, a vault) is never asked for a list.
    const custom = verifierWith([{ id: 'hs64', secret: SECRET_64 }], { getKey: () => undefined });
    expect(await kidError('HS64', custom)).toBe('The JWT kid "HS64" names no configured key; set kid to the id of one of the community\'s jwtKeys (tokens signed with a removed key stop verifying).');
  });
});

describe('defineCommunity: a secret read from a file or the environment', () => {
  it('a trailing newline, or whitespace around it', () => {
    expect(keyProblems({ id: 'k', secret: `${SECRET_64}\n` })).toEqual([{ path: 'jwtKeys[0].secret', message: 'ends with a newline (trailing line break from the file: trim it).' }]);
    expect(keyProblems({ id: 'k', secret: `${SECRET_24}\r\n` })[0]!.message).toBe('ends with a newline (trailing line break from the file: trim it).');
    expect(keyProblems({ id: 'k', secret: ` ${SECRET_24} ` })[0]!.message).toBe('has whitespace around it (trim it).');
    expect(keyProblems({ id: 'k', secret: 'abc\n' })[0]!.message).toMatch(/^ends with a newline \(trailing line break from the file: trim it\); trimmed, it must be 24 characters 0-9 a-f, got 3/);
  });

  it('an unset environment variable', () => {
    expect(keyProblems({ id: 'k', secret: undefined })).toEqual([{ path: 'jwtKeys[0].secret', message: 'is undefined — is the environment variable set?' }]);
    expect(keyProblems({ id: 'k', publicKey: undefined })).toEqual([{ path: 'jwtKeys[0].publicKey', message: 'is undefined — is the environment variable set?' }]);
    expect(keyProblems({ id: 'k', secret: '' })[0]!.message).toMatch(/^is empty — is the environment variable set\? It must be 24 characters 0-9 a-f/);
    // No member at all is still "needs a secret".
    expect(keyProblems({ id: 'k' })).toEqual([{ path: 'jwtKeys[0]', message: 'needs a secret (HS256) or a publicKey (RS256).' }]);
  });

  it('a Buffer or a KeyObject as the secret', () => {
    expect(keyProblems({ id: 'k', secret: Buffer.from(SECRET_24) })[0]).toEqual({
      path: 'jwtKeys[0].secret',
      message: "got a Buffer; give the secret as a string (read from a file: readFileSync(path, 'utf8').trim()).",
    });
    expect(keyProblems({ id: 'k', secret: createSecretKey(Buffer.from(SECRET_24)) })[0]!.message).toMatch(/^got a KeyObject \(node:crypto\); give the secret string itself/);
  });
});

describe('defineCommunity: a public key in a form chatq does not take', () => {
  it('an OpenSSH public key (ssh-rsa AAAA…)', () => {
    const { n, e } = rsa.privateKey.export({ format: 'jwk' }) as { n: string; e: string };
    const lengthPrefixed = (bytes: Buffer) => {
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(bytes.length);
      return Buffer.concat([prefix, bytes]);
    };
    const mpint = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64url');
      return lengthPrefixed(bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
    };
    const blob = Buffer.concat([lengthPrefixed(Buffer.from('ssh-rsa')), mpint(e), mpint(n)]).toString('base64');
    expect(keyProblems({ id: 'k', publicKey: `ssh-rsa ${blob} dev@laptop\n` })).toEqual([
      { path: 'jwtKeys[0].publicKey', message: 'this is an OpenSSH public key (ssh-rsa AAAA…); convert it to PEM with `ssh-keygen -e -m PKCS8 -f key.pub` and give that.' },
    ]);
    expect(keyProblems({ id: 'k', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample dev@laptop' })[0]!.message).toMatch(/^this is an OpenSSH ssh-ed25519 key; RS256 needs an RSA key/);
  });

  it('a Buffer, a KeyObject, a CryptoKey or a whole JWKS', async () => {
    const problem = (publicKey: unknown) => {
      const problems = keyProblems({ id: 'k', publicKey });
      expect(problems).toHaveLength(1);
      expect(problems[0]!.path).toBe('jwtKeys[0].publicKey');
      expect(problems[0]!.message).not.toMatch(/kty|BEGIN|MII/);
      return problems[0]!.message;
    };
    expect(problem(Buffer.from(rsa.publicKeyPem))).toBe("got a Buffer; give the key as a PEM string (`.toString()` it if it holds PEM, e.g. readFileSync(path, 'utf8')) or a single RSA JWK.");
    const publicKeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(problem(publicKeyObject.publicKey)).toBe("got a KeyObject (node:crypto); give its PEM instead: key.export({ type: 'spki', format: 'pem' }).");
    expect(problem(publicKeyObject.privateKey)).toMatch(/^this is a private key, refused: configure only the public key.*createPublicKey\(key\)\.export\(\{ type: 'spki', format: 'pem' \}\)/);
    const cryptoKey = await webcrypto.subtle.importKey('spki', publicKeyObject.publicKey.export({ type: 'spki', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
    expect(problem(cryptoKey)).toBe("got a CryptoKey (WebCrypto); give it as a JWK instead: await crypto.subtle.exportKey('jwk', key).");
    const jwk = publicKeyObject.publicKey.export({ format: 'jwk' });
    const jwks = { keys: [{ ...jwk, kid: 'a' }, { ...jwk, kid: 'b' }] };
    const said = 'got a JWKS (a set of 2 keys); give the single RSA JWK tokens are signed with (one entry of its "keys"), or use createJwksKeySource(url) for a JWKS URL.';
    expect(problem(jwks)).toBe(said);
    expect(problem(JSON.stringify(jwks))).toBe(said);
    // A JWKS holding private keys is refused as such.
    expect(problem({ keys: [publicKeyObject.privateKey.export({ format: 'jwk' })] })).toMatch(/^this is a private key, refused/);
  });
});
