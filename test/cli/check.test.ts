/**
 * SPEC §9 `chatq check FILE` (src/cli/check.ts), run directly: the report a
 * person reads, the --json document a script reads, and the exit status.
 * Through `main` (exit statuses of thrown errors) in test/cli/index.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/cli/check.js';
import { UsageError, UserError } from '../../src/cli/usage.js';
import { rsaKey } from '../helpers/sign.js';
import { runCommand, tempDir } from './command.js';
import { runChatq } from './run.js';

const SECRET = 'fedcba9876543210fedcba98';
const dir = tempDir('chatq-check-');

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

const VALID = file('valid.json', { id: 'shop', jwtKeys: [{ id: 'site_2026', secret: SECRET }, { id: 'rsa_main', publicKey: rsaKey('rsa_main').publicKeyPem }] });
const INVALID = file('invalid.json', { jwtKeys: [{ id: 'Site', secret: SECRET }], clockTolerance: 'ten' });

describe('a valid file: exit 0', () => {
  it('says so in one line with the community, its keys and its times', async () => {
    expect(await runCommand(check, [VALID])).toEqual({
      status: 0,
      stdout: `${VALID}: valid. Community "shop", signedIdentities 'require', keys site_2026 (HS256), rsa_main (RS256 2048 bit), minTokenLifetime 3600 s, clockTolerance 10 s.\n`,
      stderr: '',
    });
  });

  it('says "keys none" for a community without keys, and prints each warning on its own line', async () => {
    const unsigned = file('reject.json', { signedIdentities: 'reject', minTokenLifetime: 0 });
    expect((await runCommand(check, [unsigned])).stdout).toContain("signedIdentities 'reject', keys none, minTokenLifetime 0 s");
    const accept = await runCommand(check, [file('accept.json', { signedIdentities: 'accept', jwtKeys: [{ id: 'k', secret: SECRET }] })]);
    expect(accept.status).toBe(0);
    expect(accept.stdout.split('\n')[1]).toMatch(/^warning: signedIdentities 'accept' is deprecated and unsafe/);
  });

  it('--json: the community\'s settings and key ids, never the secret', async () => {
    const { status, stdout } = await runCommand(check, [VALID, '--json']);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      file: VALID,
      valid: true,
      problems: [],
      warnings: [],
      community: {
        id: 'shop',
        signedIdentities: 'require',
        keys: [{ id: 'site_2026', alg: 'HS256' }, { id: 'rsa_main', alg: 'RS256', bits: 2048 }],
        minTokenLifetime: 3600,
        clockTolerance: 10,
      },
    });
    expect(stdout).not.toContain(SECRET);
  });
});

describe('a file with problems: exit 1', () => {
  it('counts them and prints each with its path', async () => {
    const { status, stdout } = await runCommand(check, [INVALID]);
    expect(status).toBe(1);
    const [head, ...lines] = stdout.trimEnd().split('\n');
    expect(head).toBe(`${INVALID}: 2 problems`);
    expect(lines.map((line) => line.replace(/: .*$/, ''))).toEqual(['  jwtKeys[0].id', '  clockTolerance']);
  });

  it('says "1 problem" for one', async () => {
    expect((await runCommand(check, [file('one.json', { jwtKeys: [{ id: 'k', secret: SECRET }], colour: 'red' })])).stdout).toMatch(/: 1 problem\n {2}colour: /);
  });

  it('--json: valid false, the problems, community null', async () => {
    const { status, stdout } = await runCommand(check, [INVALID, '--json']);
    expect(status).toBe(1);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ file: INVALID, valid: false, warnings: [], community: null });
    expect(json.problems.map((problem: { path: string }) => problem.path)).toEqual(['jwtKeys[0].id', 'clockTolerance']);
    for (const problem of json.problems) expect(Object.keys(problem).sort()).toEqual(['code', 'message', 'path']), expect(problem.code).toBe('ERR_COMMUNITY_INVALID');
  });

  it('--json: a file whose JSON is not an object has the same problem shape, with its code', async () => {
    const { status, stdout } = await runCommand(check, [file('list.json', [1]), '--json']);
    expect(status).toBe(1);
    expect(JSON.parse(stdout).problems[0]).toEqual({ path: 'config', code: 'ERR_COMMUNITY_INVALID', message: expect.stringMatching(/array/) });
  });
});

describe('--json on a file that cannot be read or is not JSON: still one JSON document, exit 1', () => {
  const problemOf = (message: string) => ({ file: expect.any(String), valid: false, problems: [{ path: 'config', code: 'ERR_COMMUNITY_INVALID', message }], warnings: [], community: null });

  it('the file missing, a directory, not JSON: the same document as for a file with problems, the message as its one problem', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "jwtKeys": [ }');
    const cases: [string, string][] = [
      [join(dir, 'missing.json'), `cannot read the community file ${JSON.stringify(join(dir, 'missing.json'))}: no such file.`],
      [dir, `cannot read the community file ${JSON.stringify(dir)}: it is a directory.`],
      [broken, `the community file ${JSON.stringify(broken)} is not valid JSON: at line 1, column 16.`],
    ];
    for (const [path, message] of cases) {
      const { status, stdout, stderr } = await runChatq(['check', path, '--json']);
      expect({ status, stderr }, path).toEqual({ status: 1, stderr: '' });
      expect(JSON.parse(stdout), path).toEqual({ ...problemOf(message), file: path });
    }
  });

  it('without --json the same files are a message on stderr, exit 1, as before', async () => {
    const { status, stdout, stderr } = await runChatq(['check', join(dir, 'missing.json')]);
    expect({ status, stdout }).toEqual({ status: 1, stdout: '' });
    expect(stderr).toBe(`chatq check: cannot read the community file ${JSON.stringify(join(dir, 'missing.json'))}: no such file.\n`);
  });
});

describe('arguments', () => {
  it('--help prints the usage and exits 0 without reading a file', async () => {
    const { status, stdout } = await runCommand(check, ['--help', join(dir, 'missing.json')]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: chatq check FILE \[--json\]\n/);
    expect(stdout).toBe(check.help);
  });

  it('no file, or two: a UsageError; a file that cannot be read: a UserError', async () => {
    await expect(runCommand(check, [])).rejects.toThrow(new UsageError('give the community file to check.'));
    await expect(runCommand(check, [VALID, INVALID])).rejects.toThrow(new UsageError(`unexpected argument ${JSON.stringify(INVALID)}.`));
    await expect(runCommand(check, [join(dir, 'missing.json')])).rejects.toThrow(UserError);
  });
});
