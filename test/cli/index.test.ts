/**
 * SPEC §9 `npx chatq`, driven as a user would: a command line in, stdout,
 * stderr and the exit status out. Run in process through `main` (test/cli/run.ts);
 * the built bin is spawned in test/cli/bin.test.ts. Tokens come from the
 * independent signer (test/helpers/sign.ts, node:crypto by hand).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { b64url, hmacSignature, nowSeconds, signHS256, signRS256, rsaKey } from '../helpers/sign.js';
import { runChatq, type Result } from './run.js';

const SECRET = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const HS = { kid: 'hs64', secret: SECRET };
const rsa = rsaKey('rsa_main');
const dir = mkdtempSync(join(tmpdir(), 'chatq-cli-'));
const COMMUNITY = join(dir, 'community.json');

/** The variable every command, the README and keygen name for the HS256 secret (issue 17). */
const SECRET_ENV = 'CHATQ_HS256_SECRET';

function chatq(args: string[], input?: string, env: Record<string, string> = {}): Promise<Result> {
  return runChatq(args, input, { [SECRET_ENV]: SECRET, ...env });
}

function explain(jwt: string, ...more: string[]): Promise<Result> {
  return chatq(['explain', jwt, '--community', COMMUNITY, ...more]);
}

/** The report's line for one check, with its detail lines. */
function check(stdout: string, name: string): string {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^  \\d\\. ${name}\\b`).test(line));
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('       '));
  return lines.slice(start, end).join('\n');
}

const payload = (extra: object = {}) => ({ uuid: 'user-42', iat: nowSeconds(), exp: nowSeconds() + 7200, ...extra });

beforeAll(() => {
  writeFileSync(COMMUNITY, JSON.stringify({ $schema: 'https://example.com/community.schema.json', jwtKeys: [{ id: HS.kid, secret: SECRET }, { id: rsa.kid, publicKey: rsa.publicKeyPem }] }));
});

describe('the module', () => {
  it('runs nothing when imported: no output, no exit status (the bin, src/cli/bin.ts, calls main)', async () => {
    vi.resetModules();
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exitCode = process.exitCode;
    try {
      await import('../../src/cli/index.js');
      await new Promise((resolve) => setImmediate(resolve));
      expect([...out.mock.calls, ...err.mock.calls]).toEqual([]);
      expect(process.exitCode).toBe(exitCode);
    } finally {
      out.mockRestore();
      err.mockRestore();
      process.exitCode = exitCode;
    }
  });
});

describe('explain: a token that verifies', () => {
  it('passes every check and exits 0', async () => {
    const { status, stdout } = await explain(signHS256(payload(), HS));
    expect(status).toBe(0);
    for (const name of ['mode', 'shape', 'header', 'signature', 'claims', 'fields']) expect(check(stdout, name)).toMatch(/passed/);
    expect(stdout).toContain('The token verifies.');
  });

  it('RS256 too', async () => {
    expect((await explain(signRS256(payload(), rsa))).status).toBe(0);
  });

  it('reads the token from stdin, trailing newline and all', async () => {
    const { status, stdout } = await chatq(['explain', '--community', COMMUNITY], `${signHS256(payload(), HS)}\n`);
    expect(status).toBe(0);
    expect(stdout).toContain('The token verifies.');
  });
});

describe('explain: each diagnosis', () => {
  it('exp in milliseconds', async () => {
    const { status, stdout } = await explain(signHS256(payload({ exp: Date.now() + 7_200_000 }), HS));
    expect(status).toBe(1);
    expect(check(stdout, 'claims')).toMatch(/FAILED +ERR_JWT_MALFORMED[\s\S]*likely cause: exp looks like milliseconds[\s\S]*fix: exp counts seconds since the epoch, not milliseconds: use Math.floor\(Date.now\(\) \/ 1000\)/);
  });

  it('a hex-decoded secret', async () => {
    const { status, stdout } = await explain(signHS256(payload(), { kid: HS.kid, secret: Buffer.from(SECRET, 'hex') as unknown as string }));
    expect(status).toBe(1);
    expect(check(stdout, 'signature')).toMatch(/FAILED +ERR_JWT_SIGNATURE[\s\S]*verifies with the hex-decoded secret[\s\S]*sign with the secret string itself/);
    // The steps after the signature are still run, on the payload alone.
    expect(check(stdout, 'claims')).toMatch(/passed/);
  });

  it('a base64-decoded secret', async () => {
    const { stdout } = await explain(signHS256(payload(), { kid: HS.kid, secret: Buffer.from(SECRET, 'base64') as unknown as string }));
    expect(check(stdout, 'signature')).toMatch(/base64-decoded secret/);
  });

  it('a trailing newline in the secret file', async () => {
    const { status, stdout } = await explain(signHS256(payload(), { kid: HS.kid, secret: `${SECRET}\n` }));
    expect(status).toBe(1);
    expect(check(stdout, 'signature')).toMatch(/secret followed by a newline[\s\S]*trim the secret/);
  });

  it('signed with another key than its kid names', async () => {
    writeFileSync(join(dir, 'two.json'), JSON.stringify({ jwtKeys: [{ id: 'a', secret: '0123456789abcdef01234567' }, { id: 'b', secret: '76543210fedcba9876543210' }] }));
    const { stdout } = await chatq(['explain', signHS256(payload(), { kid: 'a', secret: '76543210fedcba9876543210' }), '--community', join(dir, 'two.json')]);
    expect(check(stdout, 'signature')).toMatch(/verifies with the secret of key `b`, but its kid says `a`/);
  });

  it('`sub` set but no uuid', async () => {
    const { status, stdout } = await explain(signHS256({ sub: 'user-42', exp: nowSeconds() + 7200 }, HS));
    expect(status).toBe(1);
    expect(check(stdout, 'claims')).toMatch(/FAILED +ERR_JWT_UUID_MISSING\n +The JWT has no uuid: `sub` is set; chatq reads `uuid`/);
  });

  it('a kid differing only in case', async () => {
    const { status, stdout } = await explain(signHS256(payload(), { kid: 'HS64', secret: SECRET }));
    expect(status).toBe(1);
    expect(check(stdout, 'header')).toMatch(/FAILED +ERR_JWT_KID_UNKNOWN\n.*key ids are case-sensitive: did you mean "hs64"\?/);
  });

  it('a missing kid', async () => {
    const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload())}`;
    const { stdout } = await explain(`${input}.${hmacSignature(input, SECRET)}`);
    expect(check(stdout, 'header')).toMatch(/ERR_JWT_KID_MISSING[\s\S]*add kid to the header/);
  });

  it('a lifetime under the minimum', async () => {
    const { status, stdout } = await explain(signHS256(payload({ exp: nowSeconds() + 50 * 60 + 30 }), HS));
    expect(status).toBe(1);
    expect(check(stdout, 'claims')).toMatch(/ERR_JWT_EXP_TOO_SOON[\s\S]*this token has 50 minutes left; the community asks for 60/);
  });

  it('iat a few seconds in the future', async () => {
    const iat = nowSeconds() + 40;
    const { status, stdout } = await explain(signHS256(payload({ iat }), HS));
    const after = nowSeconds();
    expect(status).toBe(1);
    const claims = check(stdout, 'claims');
    expect(claims).toMatch(/ERR_JWT_NOT_YET_VALID[\s\S]*iat is \d+ seconds in the future: the signing server's clock runs ahead/);
    // The CLI reads its own clock somewhere between signing and its answer (seconds apart on a loaded machine).
    const ahead = Number(/iat is (\d+) seconds in the future/.exec(claims)![1]);
    expect(ahead).toBeGreaterThanOrEqual(iat - after - 1);
    expect(ahead).toBeLessThanOrEqual(40);
  });

  it('a field of the wrong type, and a field name in the wrong case', async () => {
    const { status, stdout } = await explain(signHS256(payload({ email: 42, firstName: 'Ada' }), HS));
    expect(status).toBe(1);
    expect(check(stdout, 'fields')).toMatch(/ERR_IDENTITY_INVALID[\s\S]*payload.email[\s\S]*`firstName` is not read: the field is `firstname`/);
  });

  it('every problem at once: the kid\'s case, then the signature with the key it meant, each claim', async () => {
    const jwt = signHS256({ sub: 'user-42', iat: nowSeconds(), exp: nowSeconds() + 50 * 60 + 30 }, { kid: 'HS64', secret: Buffer.from(SECRET, 'hex') as unknown as string });
    const { status, stdout } = await explain(jwt, '--json');
    expect(status).toBe(1);
    const checks = JSON.parse(stdout).checks.map((c: { name: string; status: string; code?: string }) => `${c.name}:${c.status}:${c.code ?? ''}`);
    expect(checks).toEqual([
      'mode:passed:', 'shape:passed:', 'header:failed:ERR_JWT_KID_UNKNOWN', 'signature:failed:ERR_JWT_SIGNATURE',
      'claims:failed:ERR_JWT_EXP_TOO_SOON', 'claims:failed:ERR_JWT_UUID_MISSING', 'fields:passed:',
    ]);
    expect(stdout).toMatch(/hex-decoded secret/);
  });

  it('a damaged token: Bearer prefix, standard base64', async () => {
    const jwt = signHS256(payload(), HS);
    const bearer = await explain(`Bearer ${jwt}`);
    expect(bearer.status).toBe(1);
    expect(check(bearer.stdout, 'shape')).toMatch(/ERR_JWT_MALFORMED[\s\S]*starts with "Bearer "/);
    expect(check((await explain(`${jwt}==`)).stdout, 'shape')).toMatch(/standard base64/);
  });
});

describe('explain without --community', () => {
  it('checks what needs no key, says the signature was not checked, exits 3', async () => {
    const { status, stdout } = await chatq(['explain', signHS256(payload(), { kid: 'anything', secret: 'x' })]);
    expect(status).toBe(3);
    expect(check(stdout, 'signature')).toMatch(/skipped +not checked: give --community/);
    expect(check(stdout, 'claims')).toMatch(/passed/);
    expect(stdout).toContain('the signature was not checked');
  });

  it('still finds what needs no key', async () => {
    const { status, stdout } = await chatq(['explain', signHS256({ sub: 'u', exp: Date.now() }, HS)]);
    expect(status).toBe(1);
    expect(stdout).toMatch(/exp looks like milliseconds/);
  });
});

describe('explain --json', () => {
  it('has the verdict, the decoded token and every check in order', async () => {
    const { status, stdout } = await explain(signHS256(payload({ exp: nowSeconds() + 600 }), { kid: 'HS64', secret: SECRET }), '--json');
    expect(status).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ verdict: 'refused', community: { id: 'default' }, header: { kid: 'HS64' }, payload: { uuid: 'user-42' } });
    expect(report.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual([
      'mode:passed', 'shape:passed', 'header:failed', 'signature:passed', 'claims:failed', 'fields:passed',
    ]);
    expect(report.checks[2]).toMatchObject({ step: 3, code: 'ERR_JWT_KID_UNKNOWN', path: 'header.kid', message: expect.stringContaining('did you mean "hs64"?'), causes: [] });
    expect(report.checks[4]).toMatchObject({ code: 'ERR_JWT_EXP_TOO_SOON', causes: [{ cause: expect.stringMatching(/9 minutes left/), fix: expect.any(String) }] });
  });
});

describe('check', () => {
  it('a valid file: exit 0', async () => {
    const { status, stdout } = await chatq(['check', COMMUNITY]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/valid\. .*keys hs64 \(HS256\), rsa_main \(RS256 2048 bit\)/);
  });

  it('every problem with its path: exit 1, and --json', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ signedIdentities: 'maybe', jwtKeys: [{ id: 'A', secret: 'abc' }], clockTolerance: 900, extra: 1 }));
    const { status, stdout } = await chatq(['check', bad]);
    expect(status).toBe(1);
    for (const path of ['signedIdentities', 'jwtKeys[0].id', 'jwtKeys[0].secret', 'clockTolerance', 'extra']) expect(stdout).toContain(`  ${path}: `);
    const json = JSON.parse((await chatq(['check', bad, '--json'])).stdout);
    expect(json).toMatchObject({ valid: false, community: null });
    expect(json.problems.map((p: { path: string }) => p.path)).toEqual(expect.arrayContaining(['jwtKeys[0].secret', 'clockTolerance']));
  });

  it('a file that is not JSON, or missing: a message, exit 1, no stack', async () => {
    writeFileSync(join(dir, 'broken.json'), '{ "jwtKeys": [ }');
    for (const file of [join(dir, 'broken.json'), join(dir, 'nope.json')]) {
      const { status, stderr } = await chatq(['check', file]);
      expect(status).toBe(1);
      expect(stderr).toMatch(/^chatq check: (the community file .* is not valid JSON|cannot read the community file .*: no such file)/);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('a community file that is not JSON never shows the secret (issue 16 LOW 2)', () => {
  it('check and explain --community give the line and column, and no part of the file', async () => {
    const secret = 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';
    const file = join(dir, 'unquoted-secret.json');
    writeFileSync(file, `{\n  "jwtKeys": [{ "id": "k", "secret": ${secret} }]\n}\n`);
    for (const args of [['check', file], ['explain', signHS256(payload(), HS), '--community', file]]) {
      const { status, stderr } = await chatq(args);
      expect(status).toBe(1);
      expect(stderr).toContain('is not valid JSON: at line 2, column 39.');
      expect(stderr).not.toContain(secret.slice(0, 4));
    }
  });
});

describe('keygen and sign: a round trip', () => {
  it('hs256: the entry checks, the signed token verifies', async () => {
    const keygen = JSON.parse((await chatq(['keygen', 'hs256', '--kid', 'fresh', '--json'])).stdout);
    expect(keygen.secret).toMatch(/^[0-9a-f]{64}$/);
    const file = join(dir, 'fresh.json');
    writeFileSync(file, JSON.stringify({ jwtKeys: [keygen.entry] }));
    expect((await chatq(['check', file])).status).toBe(0);
    const signed = await chatq(['sign', '--kid', 'fresh', '--secret-env', SECRET_ENV, '--uuid', '42', '--lifetime', '90m', '--claims', '{"email":"a@example.com"}'], '', { [SECRET_ENV]: keygen.secret });
    expect(signed.status).toBe(0);
    const result = await chatq(['explain', signed.stdout.trim(), '--community', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('"email":"a@example.com"');
  });

  it('rs256: the private key signs, the public JWK entry verifies', async () => {
    const keygen = JSON.parse((await chatq(['keygen', 'rs256', '--json'])).stdout);
    expect(keygen.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const file = join(dir, 'rsa.json');
    const keyFile = join(dir, 'private.pem');
    writeFileSync(file, JSON.stringify({ jwtKeys: [keygen.entry] }));
    writeFileSync(keyFile, keygen.privateKeyPem);
    const signed = await chatq(['sign', '--kid', keygen.kid, '--key', keyFile, '--uuid', 'u1']);
    expect(signed.status).toBe(0);
    expect((await chatq(['explain', signed.stdout.trim(), '--community', file])).status).toBe(0);
  });

  it('human output names where each half goes', async () => {
    expect((await chatq(['keygen', 'hs256'])).stdout).toMatch(/Add to your community file's jwtKeys:\n {2}\{"id":"site_\d{4}","secret":"[0-9a-f]{64}"\}/);
    expect((await chatq(['keygen', 'rs256', '--kid', 'r'])).stdout).toMatch(/Private key: keep it in your backend only[\s\S]*BEGIN PRIVATE KEY/);
  });

  it('sign refuses what the community would refuse, with the code', async () => {
    const short = await chatq(['sign', '--kid', 'hs64', '--secret-env', SECRET_ENV, '--uuid', 'u', '--lifetime', '50m']);
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(/^chatq sign: ERR_JWT_EXP_TOO_SOON: /);
    expect((await chatq(['sign', '--kid', 'hs64', '--secret-env', SECRET_ENV, '--uuid', 'u', '--lifetime', '50m', '--min-lifetime', '1800'])).status).toBe(0);
  });
});

describe('secrets from the environment (issue 16 LOW 5, issue 17)', () => {
  it('sign --secret-env NAME signs with the secret in NAME, and says nothing on stderr', async () => {
    const signed = await chatq(['sign', '--kid', HS.kid, '--secret-env', SECRET_ENV, '--uuid', '42']);
    expect(signed).toMatchObject({ status: 0, stderr: '' });
    expect((await explain(signed.stdout.trim())).status).toBe(0);
  });

  it('sign --secret still signs, with a warning on stderr that names --secret-env', async () => {
    const signed = await chatq(['sign', '--kid', HS.kid, '--secret', SECRET, '--uuid', '42']);
    expect(signed.status).toBe(0);
    expect(signed.stderr).toBe(`warning: --secret puts the secret in the process list (ps) and your shell history; use --secret-env ${SECRET_ENV} instead.\n`);
    expect((await explain(signed.stdout.trim())).status).toBe(0);
  });

  it('a secret given to --secret-env in place of a name is refused without being echoed', async () => {
    const result = await chatq(['sign', '--kid', HS.kid, '--secret-env', SECRET, '--uuid', '42']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`write --secret-env ${SECRET_ENV} (without $)`);
    expect(result.stderr).not.toContain(SECRET.slice(0, 8));
  });

  it('an unset variable: exit 1, naming the variable', async () => {
    const result = await chatq(['sign', '--kid', HS.kid, '--secret-env', 'CHATQ_NOT_SET_ANYWHERE', '--uuid', '42']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('chatq sign: the environment variable CHATQ_NOT_SET_ANYWHERE (--secret-env) is not set or is empty.\n');
  });

  it('keygen, and the help of sign and explain, name CHATQ_HS256_SECRET and no other variable', async () => {
    const outputs = [(await chatq(['keygen', 'hs256'])).stdout, (await chatq(['sign', '--help'])).stdout, (await chatq(['explain', '--help'])).stdout];
    for (const output of outputs) {
      expect(output).toContain(SECRET_ENV);
      expect(output.match(/CHATQ_[A-Z0-9_]+/g)!.every((name) => name === SECRET_ENV)).toBe(true);
    }
  });
});

describe('sign: SPEC §13 lifetime margin (issue 17 "short lifetimes")', () => {
  it("--lifetime 1h with the default minimum is refused, naming the margin; 61m signs", async () => {
    const short = await chatq(['sign', '--kid', HS.kid, '--secret-env', SECRET_ENV, '--uuid', 'u', '--lifetime', '1h']);
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(/^chatq sign: ERR_JWT_EXP_TOO_SOON: lifetime is 3600 s, no margin over the community's minTokenLifetime \(3600 s\).*Add a margin of at least 60 s.*at least 3660 s/);
    expect((await chatq(['sign', '--kid', HS.kid, '--secret-env', SECRET_ENV, '--uuid', 'u', '--lifetime', '61m'])).status).toBe(0);
  });
});

describe('explain from the environment and the token alone (SPEC §13)', () => {
  const token = () => signHS256(payload(), HS);

  it('--secret-env NAME: the signature is checked with the secret in NAME, the kid taken from the token', async () => {
    const { status, stdout } = await chatq(['explain', token(), '--secret-env', SECRET_ENV]);
    expect(status).toBe(0);
    expect(stdout).toContain(`community "default" ($${SECRET_ENV})`);
    expect(stdout).toContain('key id "hs64" taken from the token (not checked: give --kid ID to check it)');
    expect(check(stdout, 'signature')).toMatch(/passed +the signature verifies with key "hs64"/);
    expect(stdout).not.toContain(SECRET.slice(0, 8));
  });

  it('--kid ID checks the kid, with the case hint', async () => {
    expect((await chatq(['explain', token(), '--secret-env', SECRET_ENV, '--kid', 'hs64'])).status).toBe(0);
    const wrong = await chatq(['explain', signHS256(payload(), { kid: 'HS64', secret: SECRET }), '--secret-env', SECRET_ENV, '--kid', 'hs64']);
    expect(wrong.status).toBe(1);
    expect(check(wrong.stdout, 'header')).toMatch(/ERR_JWT_KID_UNKNOWN[\s\S]*did you mean "hs64"\?/);
  });

  it('another secret in the variable: the signature fails', async () => {
    const other = 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';
    const { status, stdout } = await chatq(['explain', token(), '--secret-env', SECRET_ENV], '', { [SECRET_ENV]: other });
    expect(status).toBe(1);
    expect(check(stdout, 'signature')).toMatch(/FAILED +ERR_JWT_SIGNATURE/);
  });

  it('the token from stdin, and --min-lifetime as the community has it', async () => {
    const short = signHS256(payload({ exp: nowSeconds() + 1800 }), HS);
    expect((await chatq(['explain', '--secret-env', SECRET_ENV], `${short}\n`)).status).toBe(1);
    expect((await chatq(['explain', '--secret-env', SECRET_ENV, '--min-lifetime', '600'], `${short}\n`)).status).toBe(0);
  });

  it('a secret with a trailing newline in the variable: the problem, named by the variable, never the secret', async () => {
    const { status, stderr } = await chatq(['explain', token(), '--secret-env', SECRET_ENV], '', { [SECRET_ENV]: `${SECRET}\n` });
    expect(status).toBe(1);
    expect(stderr).toMatch(new RegExp(`\\$${SECRET_ENV}: ends with a newline`));
    expect(stderr).not.toContain(SECRET.slice(0, 8));
  });
});

describe('--help and bad arguments', () => {
  it('--help for chatq and each command', async () => {
    const top = await chatq(['--help']);
    expect(top.status).toBe(0);
    for (const name of ['keygen', 'sign', 'explain', 'check']) {
      expect(top.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      const help = await chatq([name, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: chatq ${name}`));
    }
  });

  const badArguments: string[][] = [
    ['frobnicate'],
    ['keygen'],
    ['keygen', 'es256'],
    ['keygen', 'hs256', '--kid', 'Bad Kid'],
    ['sign', '--kid', 'k', '--uuid', 'u'],
    ['sign', '--kid', 'k', '--secret-env', 'NOT_HEX', '--uuid', 'u'],
    ['sign', '--kid', 'k', '--secret-env', SECRET_ENV, '--uuid', 'u', '--claims', '{oops'],
    ['sign', '--kid', 'k', '--secret-env', SECRET_ENV, '--uuid', 'u', '--lifetime', 'soon'],
    ['sign', '--kid', 'k', '--secret-env', SECRET_ENV],
    ['sign', '--kid', 'k', '--secret-env', SECRET_ENV, '--key', 'private.pem', '--uuid', 'u'],
    ['sign', '--kid', 'k', '--secret-env', SECRET, '--uuid', 'u'],
    ['explain', 'a', '--community', 'c.json', '--secret-env', SECRET_ENV],
    ['explain', 'a', '--kid', 'k'],
    ['explain', '--unknown'],
    ['explain', 'a', 'b'],
    ['explain', '--community'],
    ['check'],
  ];
  it.each(badArguments.map((args) => [args.join(' '), args]))('bad arguments (%s): a message and the usage hint, exit 2, never a stack trace', async (_said, args) => {
    const { status, stderr } = await chatq(args as string[], '', { NOT_HEX: 'nothex' });
    expect(status).toBe(2);
    expect(stderr).toMatch(/^chatq/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('explain with no token on stdin', async () => {
    const { status, stderr } = await chatq(['explain'], '');
    expect(status).toBe(2);
    expect(stderr).toContain('give the token as an argument or on stdin');
  });

  it('a missing key file or an invalid community file: a message, exit 1', async () => {
    const key = await chatq(['sign', '--kid', 'k', '--key', join(dir, 'none.pem'), '--uuid', 'u']);
    expect(key.status).toBe(1);
    expect(key.stderr).toMatch(/cannot read the key file/);
    writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ jwtKeys: [{ id: 'x', secret: 'short' }] }));
    const community = await chatq(['explain', 'a.b.c', '--community', join(dir, 'invalid.json')]);
    expect(community.status).toBe(1);
    expect(community.stderr).toMatch(/jwtKeys\[0\]\.secret: must be 24 characters/);
  });
});
