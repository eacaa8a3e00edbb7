/** src/server/verifier/jwks.ts: RS256 keys from a JWKS URL, served here by a real HTTP server. */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/identity/index.js';
import { createJwksKeySource } from '../../../src/server/verifier/jwks.js';
import { b64url, rsaKey, rsaSignature } from '../../helpers/sign.js';

const rsa = rsaKey('jwks_main');
const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
const entry = (kid: string, key = createPublicKey(rsa.publicKeyPem)) => ({ ...key.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' });
const documents: Record<string, unknown> = {
  '/jwks.json': { keys: [entry('main'), entry('weak', weak), entry('twice'), entry('twice')] },
};
let server: Server;
let base: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    requests++;
    const body = documents[request.url ?? ''];
    if (request.url === '/broken') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [');
    if (body === undefined) return void response.writeHead(500).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function failure(promise: Promise<unknown>): Promise<IdentityError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(IdentityError);
  return error as IdentityError;
}

describe('createJwksKeySource', () => {
  it('gives the RS256 key a kid names, prepared once, which verifies what its private key signed', async () => {
    const source = createJwksKeySource(`${base}/jwks.json`);
    const key = (await source.getKey('main'))!;
    expect(key).toMatchObject({ id: 'main', alg: 'RS256', bits: 2048 });
    expect(await source.getKey('main')).toBe(key);
    const input = `${b64url({ alg: 'RS256', kid: 'main' })}.${b64url({ uuid: 'u' })}`;
    const signature = new Uint8Array(Buffer.from(rsaSignature(input, rsa.privateKey), 'base64url'));
    expect(await key.verify(input, signature)).toBe(true);
    expect(await key.verify(`${input}x`, signature)).toBe(false);
  });

  it('answers no key for a kid the set does not have', async () => {
    expect(await createJwksKeySource(`${base}/jwks.json`, { cooldownDuration: 0 }).getKey('nobody')).toBeUndefined();
  });

  it('refuses a key under 2048 bits and a kid two keys share', async () => {
    const source = createJwksKeySource(`${base}/jwks.json`);
    const weakError = await failure(source.getKey('weak') as Promise<unknown>);
    expect(weakError).toMatchObject({ code: 'ERR_KEY_SOURCE', message: 'The JWKS key "weak" has 1024 bits; RSA keys must be at least 2048 bits.' });
    expect(await failure(source.getKey('twice') as Promise<unknown>)).toMatchObject({ code: 'ERR_JWT_KID_UNKNOWN', message: expect.stringContaining('kids must be unique') });
  });

  it('says "try again later" when the endpoint fails or serves something that is not a JWKS', async () => {
    for (const path of ['/missing', '/broken']) {
      const error = await failure(createJwksKeySource(`${base}${path}`).getKey('main') as Promise<unknown>);
      expect(error).toMatchObject({ code: 'ERR_KEY_SOURCE', message: 'The JWKS could not be fetched or read; try again later.' });
    }
  });

  it('refuses at creation a URL that is not absolute http(s), as a configuration error', () => {
    for (const url of ['/jwks.json', 'ftp://idp.example/jwks.json', 'file:///etc/passwd']) {
      let thrown: unknown;
      try {
        createJwksKeySource(url);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'ERR_VERIFIER_CONFIG', path: 'url' });
    }
  });

  it('fetches the set once for many lookups (jose caches it)', async () => {
    const before = requests;
    const source = createJwksKeySource(`${base}/jwks.json`);
    await Promise.all([source.getKey('main'), source.getKey('main'), source.getKey('main')]);
    expect(requests - before).toBe(1);
  });
});
