/**
 * SPEC §9, §13 `chatq explain` (src/cli/explain.ts), run directly at a fixed
 * instant: where the token and the community come from, the report a person
 * reads, its JSON, and the exit status of each verdict. Each diagnosis is in
 * test/cli/index.test.ts; the checks themselves in explain-checks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, explain } from '../../src/cli/explain.js';
import { UsageError, UserError } from '../../src/cli/usage.js';
import { signHS256 } from '../helpers/sign.js';
import { runCommand, tempDir, useFixedClock } from './command.js';
import { runChatq } from './run.js';

const NOW = 1_800_000_000;
const KEY = { kid: 'site_2026', secret: '0123456789abcdef01234567' };
const ENV = { CHATQ_HS256_SECRET: KEY.secret };
const dir = tempDir('chatq-explain-');
const COMMUNITY = join(dir, 'community.json');
writeFileSync(COMMUNITY, JSON.stringify({ id: 'shop', jwtKeys: [{ id: KEY.kid, secret: KEY.secret }] }));

const payload = (extra: object = {}) => ({ uuid: 'user-42', iat: NOW, exp: NOW + 7200, ...extra });
const GOOD = signHS256(payload(), KEY);

useFixedClock(NOW);

const fromEnv = (token: string, ...more: string[]) => runCommand(explain, [token, '--secret-env', 'CHATQ_HS256_SECRET', ...more], ENV);

describe('the exit status says the verdict', () => {
  it('0 the token verifies, 1 a check failed, 3 nothing failed but no key was given', async () => {
    expect(EXIT).toEqual({ verifies: 0, refused: 1, unverified: 3 });
    expect((await runCommand(explain, [GOOD, '--community', COMMUNITY])).status).toBe(0);
    expect((await runCommand(explain, [signHS256(payload({ exp: NOW - 60 }), KEY), '--community', COMMUNITY])).status).toBe(1);
    expect((await runCommand(explain, [GOOD])).status).toBe(3);
  });
});

describe('the report', () => {
  it('names the community, shows the decoded token, one line per check, and the verdict', async () => {
    const { stdout, stderr } = await runCommand(explain, [GOOD, '--community', COMMUNITY]);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        `community "shop" (${COMMUNITY})`,
        `header   {"alg":"HS256","typ":"JWT","kid":"site_2026"}`,
        `payload  {"uuid":"user-42","iat":${NOW},"exp":${NOW + 7200}}`,
        '',
        "  1. mode       passed   signedIdentities 'require' takes a JWT",
        '  2. shape      passed   three canonical base64url parts; header and payload are JSON objects',
        '  3. header     passed   alg, kid and the other header members are accepted',
        '  4. signature  passed   the signature verifies with key "site_2026"',
        '  5. claims     passed   exp, nbf, iat and uuid are accepted',
        '  6. fields     passed   every identity field has a valid type',
        '',
        'The token verifies.',
        '',
      ].join('\n'),
    );
  });

  it('a failed check: its code, the verifier\'s message, each likely cause and its fix', async () => {
    const { stdout } = await runCommand(explain, [signHS256(payload({ exp: NOW + 1800 }), KEY), '--community', COMMUNITY]);
    const lines = stdout.split('\n');
    const at = lines.findIndex((line) => line.startsWith('  5. claims     FAILED   ERR_JWT_EXP_TOO_SOON'));
    expect(lines.slice(at, at + 4)).toEqual([
      '  5. claims     FAILED   ERR_JWT_EXP_TOO_SOON',
      '       exp is 30 minutes ahead; tokens must be valid for at least 60 minutes when set (minTokenLifetime 3600 s). Sign tokens with a longer lifetime, or renew them earlier.',
      '       likely cause: this token has 30 minutes left; the community asks for 60',
      '       fix: sign with a lifetime of at least 3600 s, or renew the token earlier.',
    ]);
    expect(stdout.endsWith('\nThe token would be refused.\n')).toBe(true);
  });

  it('a note for a check that passed, and the warnings the verifier gives', async () => {
    const { status, stdout } = await runCommand(explain, [signHS256(payload({ first_name: 'Ada' }), KEY), '--community', COMMUNITY]);
    expect(status).toBe(0);
    expect(stdout).toContain('  6. fields     passed   every identity field has a valid type\n       note: `first_name` is not read: the field is `firstname`\n       fix: rename "first_name" to "firstname".\n');
    expect(stdout).toMatch(/\nwarnings \(values the verifier drops or ignores\):\n {2}W_UNKNOWN_FIELD payload\.first_name: .+\n/);
  });

  it('without a key: says so first, marks the signature skipped, and says how to check it', async () => {
    const { stdout } = await runCommand(explain, [GOOD]);
    expect(stdout.split('\n')[0]).toBe('no key given (--secret-env or --community): checks that need no key only');
    expect(stdout).toContain('  4. signature  skipped  not checked: give --community FILE (with the key) to check the signature');
    expect(stdout.endsWith('\nNo check failed, but the signature was not checked: run again with --secret-env CHATQ_HS256_SECRET (or --community FILE).\n')).toBe(true);
  });

  it('an undecodable token: no header or payload line, the causes of the damage', async () => {
    const { status, stdout } = await runCommand(explain, [`Bearer ${GOOD}`, '--community', COMMUNITY]);
    expect(status).toBe(1);
    expect(stdout).not.toContain('header   {');
    expect(stdout).toMatch(/ {2}2\. shape {6}FAILED {3}ERR_JWT_MALFORMED\n[\s\S]*likely cause: the token starts with "Bearer "/);
  });

  it('--json: the report itself, with the verdict and every check', async () => {
    const { status, stdout } = await runCommand(explain, [GOOD, '--community', COMMUNITY, '--json']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ verdict: 'verifies', community: { file: COMMUNITY, id: 'shop' }, header: { kid: 'site_2026' }, payload: { uuid: 'user-42' }, warnings: [] });
    expect(report.checks.map((check: { name: string; status: string }) => `${check.name} ${check.status}`)).toEqual([
      'mode passed', 'shape passed', 'header passed', 'signature passed', 'claims passed', 'fields passed',
    ]);
  });
});

describe('the token', () => {
  it('is read from stdin when not given, trimmed', async () => {
    expect((await runCommand(explain, ['--community', COMMUNITY], {}, `${GOOD}\n`)).status).toBe(0);
  });

  it('none, or only whitespace: a UsageError', async () => {
    for (const input of [undefined, '', ' \n']) {
      await expect(runCommand(explain, ['--community', COMMUNITY], {}, input)).rejects.toThrow(new UsageError('give the token as an argument or on stdin.'));
    }
  });
});

describe('--secret-env NAME: the community from the environment and the token (SPEC §13)', () => {
  it("takes the key id from the token, and says it did not check it", async () => {
    const { status, stdout } = await fromEnv(GOOD);
    expect(status).toBe(0);
    expect(stdout.split('\n').slice(0, 2)).toEqual([
      'community "default" ($CHATQ_HS256_SECRET)',
      'key id "site_2026" taken from the token (not checked: give --kid ID to check it)',
    ]);
  });

  it('--kid ID checks the kid; --min-lifetime sets the minimum', async () => {
    const checked = await fromEnv(GOOD, '--kid', 'site_2026');
    expect(checked.status).toBe(0);
    expect(checked.stdout).not.toContain('taken from the token');
    expect((await fromEnv(GOOD, '--kid', 'other_key')).status).toBe(1);
    const short = signHS256(payload({ exp: NOW + 1800 }), KEY);
    expect((await fromEnv(short)).status).toBe(1);
    expect((await fromEnv(short, '--min-lifetime', '900')).status).toBe(0);
  });

  it('a token with no usable kid: a note that says to give --kid, and the header check fails', async () => {
    for (const header of [{ kid: undefined }, { kid: 'Site_2026' }]) {
      const { status, stdout } = await fromEnv(signHS256(payload(), KEY, header));
      expect(status).toBe(1);
      expect(stdout.split('\n')[1]).toBe('the token names no usable key id: give --kid ID to check the signature');
      expect(stdout).toMatch(/ {2}3\. header {5}FAILED/);
    }
    expect((await fromEnv('not a token')).stdout.split('\n')[1]).toBe('the token names no usable key id: give --kid ID to check the signature');
  });

  it('a secret the community would refuse: a UserError naming the variable, never the secret', async () => {
    const result = runCommand(explain, [GOOD, '--secret-env', 'MY_SECRET'], { MY_SECRET: `${KEY.secret}\n` });
    await expect(result).rejects.toThrow(UserError);
    const message = await result.catch((error: Error) => error.message);
    expect(message).toMatch(/^the key from --secret-env MY_SECRET is not valid \(chatq check shows the same for a file\):\n {2}\$MY_SECRET: /);
    expect(message).not.toContain(KEY.secret);
  });
});

describe('where the community comes from: bad combinations', () => {
  it('--community and --secret-env together, or --kid or --min-lifetime without --secret-env: a UsageError', async () => {
    await expect(runCommand(explain, [GOOD, '--community', COMMUNITY, '--secret-env', 'CHATQ_HS256_SECRET'], ENV)).rejects.toThrow(
      new UsageError('give --community FILE or --secret-env NAME, not both.'),
    );
    for (const more of [['--kid', 'site_2026'], ['--min-lifetime', '60'], ['--community', COMMUNITY, '--kid', 'site_2026']]) {
      await expect(runCommand(explain, [GOOD, ...more])).rejects.toThrow(
        new UsageError('--kid and --min-lifetime go with --secret-env NAME (e.g. CHATQ_HS256_SECRET); a community file has its own.'),
      );
    }
  });

  it('a community file with problems: a UserError listing each with its path', async () => {
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ jwtKeys: [{ id: 'Site', secret: KEY.secret }] }));
    const result = runCommand(explain, [GOOD, '--community', invalid]);
    await expect(result).rejects.toThrow(UserError);
    expect(await result.catch((error: Error) => error.message)).toContain(
      `the community file ${JSON.stringify(invalid)} is not valid (chatq check shows the same for a file):\n  jwtKeys[0].id: `,
    );
  });

  it('--json: a community it cannot use is one JSON document on stdout, what check --json prints of it, exit 1', async () => {
    const invalid = join(dir, 'invalid-json.json');
    writeFileSync(invalid, JSON.stringify({ jwtKeys: [{ id: 'Site', secret: KEY.secret }] }));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, `{ "jwtKeys": [{ "id": "k", "secret": ${KEY.secret} }] }`);
    const missing = join(dir, 'missing.json');
    for (const [args, env] of [
      [[GOOD, '--community', invalid, '--json'], {}],
      [[GOOD, '--community', broken, '--json'], {}],
      [[GOOD, '--community', missing, '--json'], {}],
      [[GOOD, '--secret-env', 'MY_SECRET', '--json'], { MY_SECRET: `${KEY.secret}\n` }],
      [[GOOD, '--secret-env', 'MY_SECRET', '--json'], {}],
      [[GOOD, '--secret-env', 'CHATQ_HS256_SECRET', '--min-lifetime', '99999999999', '--json'], ENV],
    ] as [string[], Record<string, string>][]) {
      const { status, stdout, stderr } = await runChatq(['explain', ...args], '', env);
      const said = args.slice(1).join(' ');
      expect({ status, stderr }, said).toEqual({ status: 1, stderr: '' });
      const json = JSON.parse(stdout);
      expect(json, said).toMatchObject({ valid: false, warnings: [], community: null });
      expect(json.problems.length, said).toBeGreaterThan(0);
      for (const problem of json.problems) expect(problem, said).toEqual({ path: expect.any(String), code: 'ERR_COMMUNITY_INVALID', message: expect.any(String) });
      expect(stdout, said).not.toContain(KEY.secret);
      if (args[1] === '--community' && args[2] !== broken && args[2] !== missing) {
        expect(json, said).toEqual(JSON.parse((await runChatq(['check', args[2]!, '--json'])).stdout));
      }
    }
    const unset = JSON.parse((await runChatq(['explain', GOOD, '--secret-env', 'MY_SECRET', '--json'])).stdout);
    expect(unset).toEqual({
      file: '$MY_SECRET', valid: false, warnings: [], community: null,
      problems: [{ path: '$MY_SECRET', code: 'ERR_COMMUNITY_INVALID', message: 'the environment variable MY_SECRET (--secret-env) is not set or is empty.' }],
    });
    const big = JSON.parse((await runChatq(['explain', GOOD, '--secret-env', 'CHATQ_HS256_SECRET', '--min-lifetime', '99999999999', '--json'], '', ENV)).stdout);
    expect(big.problems).toEqual([{ path: '--min-lifetime', code: 'ERR_COMMUNITY_INVALID', message: 'must be a number of seconds from 0 to 31536000, got 99999999999.' }]);
  });

  it('--json does not change a bad command line: a UsageError, exit 2, on stderr', async () => {
    const { status, stdout, stderr } = await runChatq(['explain', GOOD, '--community', COMMUNITY, '--secret-env', 'X', '--json']);
    expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
    expect(stderr).toMatch(/^chatq explain: give --community FILE or --secret-env NAME, not both\./);
  });

  it('--help prints the usage and reads no token', async () => {
    expect(await runCommand(explain, ['--help'])).toEqual({ status: 0, stdout: explain.help, stderr: '' });
  });
});
