/**
 * SPEC §9 `chatq keygen hs256|rs256` (src/cli/keygen.ts), run directly: a key
 * the community takes as it is printed, each half named where it goes. The
 * round trip through sign and explain is in test/cli/index.test.ts.
 */
import { createPublicKey } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keygen } from '../../src/cli/keygen.js';
import { UsageError } from '../../src/cli/usage.js';
import { defineCommunity } from '../../src/server/index.js';
import { runCommand } from './command.js';

afterEach(() => {
  vi.useRealTimers();
});

async function json(args: string[]): Promise<Record<string, any>> {
  const { status, stdout, stderr } = await runCommand(keygen, [...args, '--json']);
  expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  return JSON.parse(stdout);
}

describe('hs256', () => {
  it('a fresh 64-character hex secret each time, in an entry the community takes', async () => {
    const first = await json(['hs256', '--kid', 'site_a']);
    const second = await json(['hs256', '--kid', 'site_a']);
    expect(first).toEqual({ kid: 'site_a', alg: 'HS256', entry: { id: 'site_a', secret: first.secret }, secret: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(second.secret).not.toBe(first.secret);
    expect(defineCommunity({ jwtKeys: [first.entry] }).keys).toEqual([{ id: 'site_a', alg: 'HS256' }]);
  });

  it('the human output gives the entry to paste, the variable to keep the secret in and a command to try it', async () => {
    const { status, stdout } = await runCommand(keygen, ['hs256', '--kid', 'site_b']);
    expect(status).toBe(0);
    const secret = /"secret":"([0-9a-f]{64})"/.exec(stdout)?.[1];
    expect(stdout).toContain(`Add to your community file's jwtKeys:\n  {"id":"site_b","secret":"${secret}"}\n`);
    expect(stdout).toContain("await signIdentity({ uuid }, { kid: 'site_b', secret: process.env.CHATQ_HS256_SECRET, lifetime: '2h' })");
    expect(stdout).toContain('npx chatq sign --kid site_b --secret-env CHATQ_HS256_SECRET --uuid 42 | npx chatq explain --secret-env CHATQ_HS256_SECRET');
    expect(stdout.split(secret!)).toHaveLength(2);
  });
});

describe('rs256', () => {
  it('a PKCS#8 private key and its public half as PEM and as a JWK entry with alg, use and kid, never d', async () => {
    const key = await json(['rs256', '--kid', 'rsa_a']);
    expect(key).toMatchObject({ kid: 'rsa_a', alg: 'RS256', privateKeyPem: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----\n/), publicKeyPem: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/) });
    expect(key.publicJwk).toEqual({ kty: 'RSA', n: expect.any(String), e: 'AQAB', alg: 'RS256', use: 'sig', kid: 'rsa_a' });
    expect(key.entry).toEqual({ id: 'rsa_a', publicKey: key.publicJwk });
    const derived = createPublicKey(key.privateKeyPem);
    expect(derived.export({ format: 'jwk' }).n).toBe(key.publicJwk.n);
    expect(derived.export({ type: 'spki', format: 'pem' })).toBe(key.publicKeyPem);
    expect(defineCommunity({ jwtKeys: [key.entry] }).keys).toEqual([{ id: 'rsa_a', alg: 'RS256', bits: 2048 }]);
  });

  it('the human output gives the JWK entry, the public PEM, then the private key with where to keep it', async () => {
    const { stdout } = await runCommand(keygen, ['RS256', '--kid', 'rsa_b']);
    expect(stdout).toMatch(/^RS256 key pair "rsa_b" \(RSA 2048\)\n\nAdd to your community file's jwtKeys \(the public key, as a JWK\):\n {2}\{"id":"rsa_b","publicKey":\{"kty":"RSA",/);
    const publicAt = stdout.indexOf('-----BEGIN PUBLIC KEY-----');
    const privateAt = stdout.indexOf('-----BEGIN PRIVATE KEY-----');
    expect(publicAt).toBeGreaterThan(0);
    expect(privateAt).toBeGreaterThan(stdout.indexOf('Private key: keep it in your backend only'));
    expect(stdout).toContain("await signIdentity({ uuid }, { kid: 'rsa_b', privateKey: pem, lifetime: '2h' })");
  });
});

describe('the key id', () => {
  it('defaults to site_<year> or rsa_<year>, the year in UTC whatever the local time zone', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-12-31T23:30:00Z'));
    const zone = process.env.TZ;
    // UTC+14: already 2032 there.
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      expect(new Date().getFullYear()).toBe(2032);
      expect((await json(['hs256'])).kid).toBe('site_2031');
      expect((await json(['rs256'])).kid).toBe('rsa_2031');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('refuses an id the community would refuse, quoting at most 70 characters', async () => {
    await expect(runCommand(keygen, ['hs256', '--kid', 'Site-2026'])).rejects.toThrow(new UsageError('--kid must be 1–64 characters a-z 0-9 _, got "Site-2026".'));
    await expect(runCommand(keygen, ['hs256', '--kid', 'x'.repeat(65)])).rejects.toThrow(`got "${'x'.repeat(65)}".`);
    await expect(runCommand(keygen, ['hs256', '--kid', 'x'.repeat(100)])).rejects.toThrow(`got "${'x'.repeat(70)}".`);
  });
});

describe('arguments', () => {
  it('no kind, or another kind: a UsageError naming the two', async () => {
    await expect(runCommand(keygen, [])).rejects.toThrow(new UsageError('say which kind of key: hs256 or rs256.'));
    await expect(runCommand(keygen, ['es256'])).rejects.toThrow(new UsageError('unknown key kind "es256"; use hs256 or rs256.'));
    await expect(runCommand(keygen, ['hs256', 'rs256'])).rejects.toThrow(new UsageError('unexpected argument "rs256".'));
  });

  it('--help prints the usage and makes no key', async () => {
    expect(await runCommand(keygen, ['hs256', '--help'])).toEqual({ status: 0, stdout: keygen.help, stderr: '' });
    expect(keygen.help).toMatch(/^Usage: chatq keygen hs256\|rs256 \[--kid ID\] \[--json\]\n/);
  });
});
