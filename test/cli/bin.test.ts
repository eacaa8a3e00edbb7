/**
 * The built `chatq` executable (dist/cli.js), spawned as `npx chatq` runs it:
 * the process's argv, stdin, environment and exit status reach `main` and come
 * back. Every command's behaviour is tested in process (index.test.ts); these
 * few spawns check the wiring only. `npx chatq --help` from an installed
 * package is in test/package/install.test.ts. Build first: `npx rollup -c`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds, signHS256 } from '../helpers/sign.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const SECRET = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function bin(args: string[], input = '', env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npx rollup -c` first.');
});

describe('dist/cli.js, the bin', () => {
  it('is a node script', () => {
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('--help: the commands on stdout, exit 0; no command: exit 2', () => {
    const help = bin(['--help']);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: chatq <command>[\s\S]*^ {2}explain /m);
    expect(bin([]).status).toBe(2);
  });

  it('a usage mistake exits 2, a user mistake 1, each on stderr without a stack', () => {
    const usage = bin(['frobnicate']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^chatq: unknown command "frobnicate"/);
    const user = bin(['check', '/nonexistent/community.json']);
    expect(user.status).toBe(1);
    expect(user.stderr).toMatch(/^chatq check: cannot read the community file/);
    for (const stderr of [usage.stderr, user.stderr]) expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('reads the token from the process stdin and the secret from the process environment: exit 0; no key: exit 3', () => {
    const jwt = signHS256({ uuid: 'u', iat: nowSeconds(), exp: nowSeconds() + 7200 }, { kid: 'hs64', secret: SECRET });
    const verified = bin(['explain', '--secret-env', 'CHATQ_HS256_SECRET'], `${jwt}\n`, { CHATQ_HS256_SECRET: SECRET });
    expect(verified.status).toBe(0);
    expect(verified.stdout).toContain('The token verifies.');
    expect(bin(['explain', jwt]).status).toBe(3);
  });
});
