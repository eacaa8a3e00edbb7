/**
 * Key sources (SPEC §4): static keys, custom sources, rotation, failures,
 * and a JWKS URL served on loopback.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose);
 * shared helpers are in fixtures.ts.
 */
import { createPublicKey, generateKeyPairSync, sign as rawSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwksKeySource, createVerificationKey, createVerifier, defineCommunity } from '../../../src/server/verifier/index.js';
import { hmacSignature, HS_KEY, signHS256, signRS256 } from '../../helpers/sign.js';
import { codeOf, failure, forge, HS_HEADER, hsWithHeader, KEYS, keys, NOW, payload, rejects, RS_HEADER, rs, RSA, rsa, T, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

describe('key sources', () => {
  it('an asynchronous key source works', async () => {
    const key = createVerificationKey({ id: 'remote', publicKey: rsa.publicKeyPem });
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: { getKey: async (kid) => (kid === 'remote' ? key : undefined) }, now: () => NOW * 1000 });
    expect((await verifier.verify({ jwt: signRS256(payload(), { ...rsa, kid: 'remote' }) })).kid).toBe('remote');
    expect(await codeOf({ jwt: signRS256(payload(), rsa) }, verifier)).toBe('ERR_JWT_KID_UNKNOWN');
  });

  it('a failing key source → ERR_KEY_SOURCE', async () => {
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: { getKey: async () => { throw new Error('ECONNREFUSED'); } }, now: () => NOW * 1000 });
    const error = await failure(verifier.verify({ jwt: signHS256(payload(), HS_KEY) }));
    expect(error.code).toBe('ERR_KEY_SOURCE');
    expect(error.message).not.toContain('ECONNREFUSED');
  });
});

describe('key source failures and rotation, cached or not', () => {
  function switchableSource() {
    const community = defineCommunity({ jwtKeys: KEYS });
    const state = { mode: 'ok' as 'ok' | 'throw' | 'reject' | 'removed' };
    const keySource = {
      getKey(kid: string) {
        if (state.mode === 'throw') throw new Error('JWKS endpoint unreachable');
        if (state.mode === 'reject') return Promise.reject(new Error('JWKS endpoint unreachable'));
        if (state.mode === 'removed') return undefined;
        return community.keySource.getKey(kid);
      },
    };
    return { state, verifier: createVerifier(community, { now: () => T * 1000, keySource }) };
  }
  it.each(['throw', 'reject'] as const)('a key source that fails (%s) → ERR_KEY_SOURCE', async (mode) => {
    const { state, verifier } = switchableSource();
    state.mode = mode;
    await rejects({ jwt: forge(HS_HEADER) }, 'ERR_KEY_SOURCE', verifier);
  });
  it.each(['throw', 'reject'] as const)('… also for a token already in the cache (%s)', async (mode) => {
    const { state, verifier } = switchableSource();
    const token = forge(HS_HEADER);
    await verifier.verify({ jwt: token });
    state.mode = mode;
    await rejects({ jwt: token }, 'ERR_KEY_SOURCE', verifier);
  });
  it('a key removed from the source stops verifying tokens already in the cache', async () => {
    const { state, verifier } = switchableSource();
    const token = forge(RS_HEADER, payload(), rs);
    await verifier.verify({ jwt: token });
    state.mode = 'removed';
    await rejects({ jwt: token }, 'ERR_JWT_KID_UNKNOWN', verifier);
  });
});

describe('JWKS key source (jose remote key set, loopback server)', () => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwks = {
    keys: [
      { ...createPublicKey(rsa.publicKeyPem).export({ format: 'jwk' }), kid: 'jwks_main', alg: 'RS256', use: 'sig' },
      { ...weak.publicKey.export({ format: 'jwk' }), kid: 'jwks_weak', alg: 'RS256', use: 'sig' },
    ],
  };
  let requests = 0;

  async function withServer(run: (url: string) => Promise<void>): Promise<void> {
    const server: Server = createServer((_request, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await run(`http://127.0.0.1:${port}/jwks.json`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('verifies RS256 tokens with keys from the JWKS, fetched once', async () => {
    await withServer(async (url) => {
      requests = 0;
      const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: createJwksKeySource(url), now: () => NOW * 1000, cacheSize: 0 });
      const jwt = signRS256(payload(), { ...rsa, kid: 'jwks_main' });
      expect(await verifier.verify({ jwt })).toMatchObject({ kid: 'jwks_main', signed: true });
      expect(await verifier.verify({ jwt })).toMatchObject({ kid: 'jwks_main', signed: true });
      expect(requests).toBe(1);
    });
  });

  it('pins RS256: an HS256 token naming a JWKS kid is ERR_JWT_ALG; a weak key is ERR_KEY_SOURCE; an unknown kid is ERR_JWT_KID_UNKNOWN', async () => {
    await withServer(async (url) => {
      const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: createJwksKeySource(url), now: () => NOW * 1000 });
      expect(await codeOf({ jwt: hsWithHeader({ alg: 'HS256', kid: 'jwks_main' }) }, verifier)).toBe('ERR_JWT_ALG');
      expect(await codeOf({ jwt: signRS256(payload(), { kid: 'jwks_weak', privateKey: weak.privateKey, publicKeyPem: '' }) }, verifier)).toBe('ERR_KEY_SOURCE');
      expect(await codeOf({ jwt: signRS256(payload(), { ...rsa, kid: 'nobody' }) }, verifier)).toBe('ERR_JWT_KID_UNKNOWN');
    });
  });

  it('an unreachable JWKS → ERR_KEY_SOURCE', async () => {
    let url = '';
    await withServer(async (address) => {
      url = address;
    });
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: createJwksKeySource(url, { timeoutDuration: 2000 }), now: () => NOW * 1000 });
    expect(await codeOf({ jwt: signRS256(payload(), { ...rsa, kid: 'jwks_main' }) }, verifier)).toBe('ERR_KEY_SOURCE');
  });

  it('refuses a URL that is not http(s)', () => {
    // A configuration mistake, not a source that is down (ERR_KEY_SOURCE, 503): refused at start, with its path.
    expect(() => createJwksKeySource('file:///etc/passwd')).toThrow(expect.objectContaining({ code: 'ERR_VERIFIER_CONFIG', path: 'url', message: 'createJwksKeySource(url): the url must be https: (or http: for local testing).' }));
    expect(() => createJwksKeySource('not a url')).toThrow(expect.objectContaining({ code: 'ERR_VERIFIER_CONFIG', path: 'url', message: 'createJwksKeySource(url): the url is not a valid absolute URL.' }));
  });
});

describe('JWKS key source (loopback server): no algorithm confusion through the key set', () => {
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwks = {
    keys: [
      { ...(createPublicKey(RSA.publicKeyPem).export({ format: 'jwk' }) as object), kid: 'rsa_main', use: 'sig' },
      { kty: 'oct', kid: 'site_2026', k: Buffer.from(HS_KEY.secret).toString('base64url'), alg: 'HS256' },
      { ...(small.publicKey.export({ format: 'jwk' }) as object), kid: 'rsa_small' },
    ],
  };
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const jwksVerifier = () => createVerifier(defineCommunity({ jwtKeys: KEYS }), { now: () => T * 1000, keySource: createJwksKeySource(url) });

  it('an RS256 token whose kid is in the JWKS verifies', async () => {
    expect((await jwksVerifier().verify({ jwt: forge(RS_HEADER, payload(), rs) })).kid).toBe('rsa_main');
  });
  it('an HS256 token naming an oct key of the JWKS does not verify', async () => {
    await rejects({ jwt: forge(HS_HEADER) }, ['ERR_JWT_KID_UNKNOWN', 'ERR_JWT_ALG'], jwksVerifier());
  });
  it('HS256 signed with the JWKS’s RSA key material as the secret → ERR_JWT_ALG', async () => {
    const secret = JSON.stringify(jwks.keys[0]);
    await rejects({ jwt: forge({ ...RS_HEADER, alg: 'HS256' }, payload(), (i) => hmacSignature(i, secret)) }, 'ERR_JWT_ALG', jwksVerifier());
    await rejects({ jwt: forge({ ...RS_HEADER, alg: 'HS256' }, payload(), (i) => hmacSignature(i, RSA.publicKeyPem)) }, 'ERR_JWT_ALG', jwksVerifier());
  });
  it('a 1024-bit key in the JWKS is never used', async () => {
    const sign = (i: string) => rawSign('sha256', Buffer.from(i), small.privateKey).toString('base64url');
    await rejects({ jwt: forge({ ...RS_HEADER, kid: 'rsa_small' }, payload(), sign) }, ['ERR_KEY_SOURCE', 'ERR_JWT_KID_UNKNOWN'], jwksVerifier());
  });
  it('a JWKS URL that does not answer → ERR_KEY_SOURCE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const verifier = createVerifier(defineCommunity({ jwtKeys: KEYS }), { now: () => T * 1000, keySource: createJwksKeySource(`http://127.0.0.1:${port}/jwks.json`, { timeoutDuration: 2000 }) });
    await rejects({ jwt: forge(RS_HEADER, payload(), rs) }, 'ERR_KEY_SOURCE', verifier);
  });
});
