/**
 * `npx chatq webhook` (SPEC §12): a secret to paste, and a delivery checked as
 * a receiver must, saying why a signature fails. Deliveries are signed by the
 * `standardwebhooks` package, the independent implementation. Run in process (test/cli/run.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { runChatq } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'chatq-webhook-'));

function chatq(args: string[], input = '', env: Record<string, string> = {}) {
  return runChatq(['webhook', ...args], input, env);
}

describe('chatq webhook', () => {
  const body = '{"type":"message.created","timestamp":"2026-12-06T12:00:00.000Z","data":{"seq":1}}';
  const headers = join(dir, 'headers.txt');
  let secret = '';
  let env: Record<string, string> = {};
  beforeAll(async () => {
    secret = (await chatq(['secret'])).stdout.split('\n')[0]!;
    const at = new Date();
    const signature = new Webhook(secret).sign('msg_1', at, body);
    writeFileSync(headers, `HTTP/1.1 200 OK\r\nwebhook-id: msg_1\r\nwebhook-timestamp: ${Math.floor(at.getTime() / 1000)}\r\nWebhook-Signature: ${signature}\r\n`);
    env = { CHATQ_WEBHOOK_SECRET: secret };
  });

  it('secret makes a whsec_ secret that standardwebhooks accepts', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(() => new Webhook(secret)).not.toThrow();
  });

  it('verify accepts a delivery as received (body on stdin, curl -D headers)', async () => {
    const result = await chatq(['verify', '--secret-env', 'CHATQ_WEBHOOK_SECRET', '--headers', headers], body, env);
    expect(result).toMatchObject({ status: 0, stdout: 'valid: the signature matches (webhook-id msg_1).\n' });
  });

  it('verify says why a re-serialized body fails, and exits 1', async () => {
    const pretty = join(dir, 'pretty.json');
    writeFileSync(pretty, JSON.stringify(JSON.parse(body), null, 2));
    const result = await chatq(['verify', '--secret-env', 'CHATQ_WEBHOOK_SECRET', '--headers', headers, '--body', pretty], '', env);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('parsed and stringified again');
    expect(result.stdout).not.toContain(secret);
  });

  it('verify refuses a missing option with usage (exit 2)', async () => {
    expect(await chatq(['verify', '--headers', headers], body, env)).toMatchObject({ status: 2, stderr: expect.stringContaining('--secret-env is required') });
  });
});
