/** src/server/verifier/secret-mistakes.ts: the usual HS256 secret mistakes named after a refused signature (SPEC §9). */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../../../src/server/verifier/crypto/node.js';
import { webCryptoBackend } from '../../../src/server/verifier/crypto/webcrypto.js';
import { createVerificationKey } from '../../../src/server/verifier/keys.js';
import { rememberSecret, secretMistake } from '../../../src/server/verifier/secret-mistakes.js';
import type { VerificationKey } from '../../../src/server/verifier/types.js';

const SECRET = '0123456789abcdef01234567';
const INPUT = 'eyJhbGciOiJIUzI1NiJ9.eyJ1dWlkIjoidSJ9';

function signedWith(key: Buffer | string): { part: string; bytes: Uint8Array } {
  const mac = createHmac('sha256', key).update(INPUT).digest();
  return { part: mac.toString('base64url'), bytes: new Uint8Array(mac) };
}

const variants: Array<[string, Buffer | string, RegExp]> = [
  ['hex-decoded', Buffer.from(SECRET, 'hex'), /^it verifies with the hex-decoded secret/],
  ['base64-decoded', Buffer.from(SECRET, 'base64'), /^it verifies with the base64-decoded secret/],
  ['with a newline', `${SECRET}\n`, /^it verifies with the secret followed by a newline: .* trim the secret/],
];

describe('secretMistake on node:crypto', () => {
  const key = createVerificationKey({ id: 'k', secret: SECRET });

  for (const [name, signingKey, says] of variants) {
    it(`names a signature made with the ${name} secret`, () => {
      const { part, bytes } = signedWith(signingKey);
      expect(secretMistake(key, INPUT, part, bytes)).toMatch(says);
    });
  }

  it('names nothing for a signature made with another secret, or by the right one over other data', () => {
    const other = signedWith('fedcba9876543210fedcba98');
    expect(secretMistake(key, INPUT, other.part, other.bytes)).toBeUndefined();
    const right = signedWith(SECRET);
    expect(secretMistake(key, `${INPUT}x`, right.part, right.bytes)).toBeUndefined();
  });

  it('knows nothing of a key it was not told the secret of (RSA keys, keys of your own)', () => {
    const mine = Object.freeze({ id: 'k', alg: 'HS256', verify: () => false }) as VerificationKey;
    const { part, bytes } = signedWith(Buffer.from(SECRET, 'hex'));
    expect(secretMistake(mine, INPUT, part, bytes)).toBeUndefined();
  });
});

describe('secretMistake on WebCrypto', () => {
  it('answers through a promise, with the same diagnosis', async () => {
    const key = Object.freeze({ id: 'k', alg: 'HS256', verify: () => false }) as VerificationKey;
    rememberSecret(key, SECRET, webCryptoBackend());
    for (const [, signingKey, says] of variants) {
      const { part, bytes } = signedWith(signingKey);
      const answer = secretMistake(key, INPUT, part, bytes);
      expect(answer).toBeInstanceOf(Promise);
      expect(await answer).toMatch(says);
    }
    const other = signedWith('fedcba9876543210fedcba98');
    expect(await secretMistake(key, INPUT, other.part, other.bytes)).toBeUndefined();
  });

  it('imports the variant keys once, on the first refusal, not per request or at definition', () => {
    const backend = nodeBackend()!;
    let imports = 0;
    const counting = { ...backend, hmacSha256: (bytes: Uint8Array) => (imports++, backend.hmacSha256(bytes)) };
    const key = Object.freeze({ id: 'k', alg: 'HS256', verify: () => false }) as VerificationKey;
    rememberSecret(key, SECRET, counting);
    expect(imports).toBe(0);
    const { part, bytes } = signedWith('x');
    secretMistake(key, INPUT, part, bytes);
    secretMistake(key, INPUT, part, bytes);
    expect(imports).toBe(3);
  });
});
