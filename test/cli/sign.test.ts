/**
 * SPEC §9, §13 `chatq sign` (src/cli/sign.ts), run directly: the token it
 * prints, decoded, and each way it refuses its arguments (UsageError, exit 2)
 * or a token the community would refuse (UserError with the code, exit 1).
 * Round trips through explain are in test/cli/index.test.ts.
 */
import { createHmac, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_ARGUMENT_WARNING } from '../../src/cli/secret-env.js';
import { minLifetime, sign } from '../../src/cli/sign.js';
import { UsageError, UserError } from '../../src/cli/usage.js';
import { rsaKey } from '../helpers/sign.js';
import { decodeParts, runCommand, tempDir, useFixedClock } from './command.js';
import { runChatq } from './run.js';

const SECRET = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const ENV = { CHATQ_HS256_SECRET: SECRET };
const NOW = 1_800_000_000;
const dir = tempDir('chatq-sign-');
const rsa = rsaKey('rsa_main');
const KEY_FILE = join(dir, 'private.pem');
writeFileSync(KEY_FILE, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

useFixedClock(NOW);

/** `chatq sign --kid site_2026 --secret-env CHATQ_HS256_SECRET --uuid 42 ...more`. */
const signHs = (...more: string[]) => runCommand(sign, ['--kid', 'site_2026', '--secret-env', 'CHATQ_HS256_SECRET', '--uuid', '42', ...more], ENV);

describe('HS256 with the secret from the environment', () => {
  it('prints one token: HS256 and the kid in its header, the uuid, iat now and exp 2 h on, signed with the secret string', async () => {
    const { status, stdout, stderr } = await signHs();
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const jwt = stdout.trim();
    expect(decodeParts(jwt)).toEqual({ header: { alg: 'HS256', typ: 'JWT', kid: 'site_2026' }, payload: { uuid: '42', iat: NOW, exp: NOW + 7200 } });
    const input = jwt.slice(0, jwt.lastIndexOf('.'));
    expect(jwt.slice(jwt.lastIndexOf('.') + 1)).toBe(createHmac('sha256', SECRET).update(input).digest('base64url'));
  });

  it('--lifetime and --claims: the identity fields beside the uuid, exp the lifetime on', async () => {
    const { stdout } = await signHs('--lifetime', '90m', '--claims', '{"email":"a@example.com","extra_values":{"plan":"gold"}}');
    expect(decodeParts(stdout.trim()).payload).toEqual({ email: 'a@example.com', extra_values: { plan: 'gold' }, uuid: '42', iat: NOW, exp: NOW + 5400 });
  });

  it('a value the verifier would drop: still signed, with a warning per value on stderr', async () => {
    const { status, stdout, stderr } = await signHs('--claims', '{"nickname":"Ada"}');
    expect(status).toBe(0);
    expect(stdout).not.toBe('');
    expect(stderr).toMatch(/^warning: payload\.nickname: .+\n$/);
  });

  it('--secret signs too, after the warning that it shows in ps and the shell history', async () => {
    const { status, stderr } = await runCommand(sign, ['--kid', 'site_2026', '--secret', SECRET, '--uuid', '42']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: SECRET_ARGUMENT_WARNING });
  });
});

describe('RS256 with --key FILE', () => {
  it('signs with the private key in the file; the public key verifies it', async () => {
    const { status, stdout } = await runCommand(sign, ['--kid', 'rsa_main', '--key', KEY_FILE, '--uuid', 'u1']);
    expect(status).toBe(0);
    const jwt = stdout.trim();
    expect(decodeParts(jwt).header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'rsa_main' });
    const input = jwt.slice(0, jwt.lastIndexOf('.'));
    expect(verify('sha256', Buffer.from(input), createPublicKey(rsa.publicKeyPem), Buffer.from(jwt.slice(jwt.lastIndexOf('.') + 1), 'base64url'))).toBe(true);
  });

  it('an EC key file (openssl genpkey or ecparam): a UsageError naming the file and what to give, not an unexpected error', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const [name, text] of [['ec.pem', ec.export({ type: 'pkcs8', format: 'pem' })], ['ec-sec1.pem', ec.export({ type: 'sec1', format: 'pem' })]] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      await expect(runCommand(sign, ['--kid', 'rsa_main', '--key', file, '--uuid', 'u1'])).rejects.toThrow(new UsageError(
        `the key file ${JSON.stringify(file)} is an EC key; chatq signs with RS256: give an RSA key, or use --secret-env NAME (HS256, e.g. CHATQ_HS256_SECRET).`,
      ));
      const { status, stdout, stderr } = await runChatq(['sign', '--kid', 'rsa_main', '--key', file, '--uuid', 'u1']);
      expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
      expect(stderr).toMatch(/^chatq sign: the key file .* is an EC key; chatq signs with RS256/);
      expect(stderr).not.toContain('unexpected error');
    }
  });

  it("the key's other refusals name the file too", async () => {
    const file = join(dir, 'public.pem');
    writeFileSync(file, rsa.publicKeyPem);
    await expect(runCommand(sign, ['--kid', 'rsa_main', '--key', file, '--uuid', 'u1'])).rejects.toThrow(
      new UsageError(`the key file ${JSON.stringify(file)} is a public key or a certificate; sign with the private half (the community holds the public one).`),
    );
  });

  it('a key file that cannot be read: a UserError naming it', async () => {
    const missing = join(dir, 'missing.pem');
    await expect(runCommand(sign, ['--kid', 'rsa_main', '--key', missing, '--uuid', 'u1'])).rejects.toThrow(new UserError(`cannot read the key file ${JSON.stringify(missing)}: no such file.`));
  });
});

describe('arguments: a UsageError that says what to give', () => {
  it('--kid and --uuid are required', async () => {
    await expect(runCommand(sign, ['--secret-env', 'CHATQ_HS256_SECRET', '--uuid', '42'], ENV)).rejects.toThrow(new UsageError('--kid is required.'));
    await expect(runCommand(sign, ['--kid', 'k', '--secret-env', 'CHATQ_HS256_SECRET'], ENV)).rejects.toThrow(new UsageError('--uuid is required.'));
  });

  it('exactly one of --secret-env, --secret and --key', async () => {
    const message = 'give --secret-env NAME (HS256, e.g. CHATQ_HS256_SECRET) or --key private.pem (RS256), one of the two.';
    await expect(runCommand(sign, ['--kid', 'k', '--uuid', '42'])).rejects.toThrow(new UsageError(message));
    await expect(signHs('--key', KEY_FILE)).rejects.toThrow(new UsageError(message));
    await expect(signHs('--secret', SECRET)).rejects.toThrow(new UsageError(message));
  });

  it('--claims must be a JSON object without uuid', async () => {
    await expect(signHs('--claims', '{"email":')).rejects.toThrow(/^--claims is not valid JSON: /);
    for (const claims of ['[1]', '"text"', 'null']) {
      await expect(signHs('--claims', claims), claims).rejects.toThrow(new UsageError('--claims must be a JSON object, e.g. \'{"email":"a@example.com"}\'.'));
    }
    await expect(signHs('--claims', '{"uuid":"7"}')).rejects.toThrow(new UsageError('give the uuid with --uuid, not in --claims.'));
  });

  it("signIdentity's TypeError and RangeError (a kid, a lifetime) become UsageErrors with its words", async () => {
    await expect(runCommand(sign, ['--kid', 'Site', '--secret-env', 'CHATQ_HS256_SECRET', '--uuid', '42'], ENV)).rejects.toThrow(new UsageError(
      'kid must be the id of one of the community\'s jwtKeys: 1–64 characters a-z 0-9 _ (case-sensitive), got "Site".',
    ));
    await expect(signHs('--lifetime', '2 weeks')).rejects.toThrow(UsageError);
    await expect(signHs('--lifetime', '2 weeks')).rejects.toThrow(/^lifetime must be /);
  });
});

describe('what the community would refuse: a UserError with the code', () => {
  it('a lifetime under the minimum plus the margin; --min-lifetime lowers the minimum', async () => {
    const short = signHs('--lifetime', '1h');
    await expect(short).rejects.toThrow(UserError);
    await expect(signHs('--lifetime', '1h')).rejects.toThrow(/^ERR_JWT_EXP_TOO_SOON: lifetime is 3600 s, no margin/);
    const { status, stdout } = await signHs('--lifetime', '1h', '--min-lifetime', '1800');
    expect(status).toBe(0);
    expect(decodeParts(stdout.trim()).payload.exp).toBe(NOW + 3600);
  });

  it('a field the verifier refuses', async () => {
    await expect(signHs('--claims', '{"email":42}')).rejects.toThrow(/^ERR_IDENTITY_INVALID: /);
  });
});

describe('minLifetime: --min-lifetime S, a number of seconds', () => {
  it('is undefined when not given, else the number, 0 and a decimal fraction included (as --lifetime takes one)', () => {
    expect(minLifetime(undefined)).toBeUndefined();
    expect(['1800', '0', '060', '1.5'].map(minLifetime)).toEqual([1800, 0, 60, 1.5]);
  });

  it('refuses text that is no number of seconds, quoting it', () => {
    for (const text of ['', ' ', '-1', 'abc', 'Infinity', '1h']) {
      expect(() => minLifetime(text), text).toThrow(new UsageError(`--min-lifetime must be a number of seconds, got ${JSON.stringify(text)}.`));
    }
  });

  it('more than a community takes (one year): a UsageError in the community\'s words, naming the option', async () => {
    await expect(signHs('--min-lifetime', '99999999999')).rejects.toThrow(new UsageError('--min-lifetime must be a number of seconds from 0 to 31536000, got 99999999999.'));
    await expect(signHs('--lifetime', '366d', '--min-lifetime', '31536001')).rejects.toThrow(/^--min-lifetime must be a number of seconds from 0 to 31536000, got 31536001\.$/);
    const { status, stdout } = await signHs('--lifetime', '366d', '--min-lifetime', '31536000');
    expect(status).toBe(0);
    expect(decodeParts(stdout.trim()).payload.exp).toBe(NOW + 366 * 86_400);
  });

  it('takes plain decimal seconds only: not what Number() also reads (hex, exponent, spaces, signs, a bare point)', async () => {
    for (const text of ['0x10', '0b11', '0o7', '1e3', ' 5 ', '5 ', '\t5', '+5', '1_000', '.5', '5.', '1,5']) {
      expect(() => minLifetime(text), text).toThrow(new UsageError(`--min-lifetime must be a number of seconds, got ${JSON.stringify(text)}.`));
    }
    await expect(signHs('--lifetime', '1h', '--min-lifetime', '1e3')).rejects.toThrow(new UsageError('--min-lifetime must be a number of seconds, got "1e3".'));
  });
});
