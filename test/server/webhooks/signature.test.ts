/**
 * Standard Webhooks signing (src/server/webhooks/signature.ts), checked
 * against the `standardwebhooks` package (an independent implementation).
 */
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { encodeBase64, importSecret, SECRET_BYTES, secretKeyBytes, sign } from '../../../src/server/webhooks/signature.js';

const secretOf = (length: number, fill = 7): string => `whsec_${Buffer.alloc(length, fill).toString('base64')}`;

describe('secretKeyBytes', () => {
  it('returns the base64-decoded bytes after whsec_', () => {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    expect(secretKeyBytes(`whsec_${Buffer.from(raw).toString('base64')}`)).toEqual(raw);
  });

  it('accepts 24 to 64 bytes and names the count and the fix outside them', () => {
    expect(SECRET_BYTES).toEqual({ min: 24, max: 64 });
    expect(secretKeyBytes(secretOf(24))).toBeInstanceOf(Uint8Array);
    expect(secretKeyBytes(secretOf(64))).toBeInstanceOf(Uint8Array);
    expect(secretKeyBytes(secretOf(23))).toBe('must hold 24–64 random bytes, got 23 (make one with `npx chatq webhook secret`)');
    expect(secretKeyBytes(secretOf(65))).toBe('must hold 24–64 random bytes, got 65 (make one with `npx chatq webhook secret`)');
  });

  it('refuses a secret without the whsec_ prefix, or with anything but standard base64 after it', () => {
    expect(secretKeyBytes(secretOf(32).slice('whsec_'.length))).toMatch(/^must start with whsec_/);
    expect(secretKeyBytes(`WHSEC_${Buffer.alloc(32).toString('base64')}`)).toMatch(/^must start with whsec_/);
    expect(secretKeyBytes(`whsec_${Buffer.alloc(32, 251).toString('base64url')}`)).toMatch(/^after whsec_ must come standard base64/);
    expect(secretKeyBytes('whsec_not base64!')).toMatch(/^after whsec_ must come standard base64/);
  });
});

describe('sign', () => {
  it('makes the signature standardwebhooks makes for the same id, timestamp and body', async () => {
    const secret = secretOf(32, 42);
    const key = await importSecret(secretKeyBytes(secret) as Uint8Array);
    const body = JSON.stringify({ type: 'message.created', data: { body: 'Grüße ✓' } });
    const at = new Date(Date.UTC(2026, 5, 1, 12));
    expect(await sign(key, 'msg_1', at.getTime() / 1000, body)).toBe(new Webhook(secret).sign('msg_1', at, body));
  });

  it('signs id, timestamp and body: changing any one changes the signature', async () => {
    const key = await importSecret(secretKeyBytes(secretOf(32)) as Uint8Array);
    const base = await sign(key, 'msg_1', 1_700_000_000, '{}');
    expect(base).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const changed = await Promise.all([sign(key, 'msg_2', 1_700_000_000, '{}'), sign(key, 'msg_1', 1_700_000_001, '{}'), sign(key, 'msg_1', 1_700_000_000, '{ }')]);
    for (const other of changed) expect(other).not.toBe(base);
    const otherKey = await importSecret(secretKeyBytes(secretOf(32, 8)) as Uint8Array);
    expect(await sign(otherKey, 'msg_1', 1_700_000_000, '{}')).not.toBe(base);
  });

  it('imports a key that signs only (it is never exported or used to verify)', async () => {
    const key = await importSecret(secretKeyBytes(secretOf(32)) as Uint8Array);
    expect([key.type, key.extractable, key.usages, key.algorithm]).toEqual(['secret', false, ['sign'], { name: 'HMAC', hash: { name: 'SHA-256' }, length: 256 }]);
  });
});

describe('encodeBase64', () => {
  it('encodes as standard base64 with padding, every byte value and length', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const length of [0, 1, 2, 3, 4, 256]) expect(encodeBase64(all.subarray(0, length))).toBe(Buffer.from(all.subarray(0, length)).toString('base64'));
    expect(encodeBase64(Uint8Array.of(0xfb, 0xff))).toBe('+/8=');
  });
});
