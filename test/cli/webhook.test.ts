/**
 * `npx chatq webhook` (SPEC §12): a secret to paste, and a delivery checked as
 * a receiver must, saying why a signature fails. Deliveries are signed by the
 * `standardwebhooks` package, the independent implementation. Build first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'chatq-webhook-'));

function chatq(args: string[], input = '', env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, 'webhook', ...args], { input, encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('chatq webhook', () => {
  const secret = chatq(['secret']).stdout.split('\n')[0]!;
  const body = '{"type":"message.created","timestamp":"2026-12-06T12:00:00.000Z","data":{"seq":1}}';
  const at = new Date();
  const signature = new Webhook(secret).sign('msg_1', at, body);
  const headers = join(dir, 'headers.txt');
  writeFileSync(headers, `HTTP/1.1 200 OK\r\nwebhook-id: msg_1\r\nwebhook-timestamp: ${Math.floor(at.getTime() / 1000)}\r\nWebhook-Signature: ${signature}\r\n`);
  const env = { CHATQ_WEBHOOK_SECRET: secret };

  it('secret makes a whsec_ secret that standardwebhooks accepts', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(() => new Webhook(secret)).not.toThrow();
  });

  it('verify accepts a delivery as received (body on stdin, curl -D headers)', () => {
    const result = chatq(['verify', '--secret-env', 'CHATQ_WEBHOOK_SECRET', '--headers', headers], body, env);
    expect(result).toMatchObject({ status: 0, stdout: 'valid: the signature matches (webhook-id msg_1).\n' });
  });

  it('verify says why a re-serialized body fails, and exits 1', () => {
    const pretty = join(dir, 'pretty.json');
    writeFileSync(pretty, JSON.stringify(JSON.parse(body), null, 2));
    const result = chatq(['verify', '--secret-env', 'CHATQ_WEBHOOK_SECRET', '--headers', headers, '--body', pretty], '', env);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('parsed and stringified again');
    expect(result.stdout).not.toContain(secret);
  });

  it('verify refuses a missing option with usage (exit 2)', () => {
    expect(chatq(['verify', '--headers', headers], body, env)).toMatchObject({ status: 2, stderr: expect.stringContaining('--secret-env is required') });
  });
});
