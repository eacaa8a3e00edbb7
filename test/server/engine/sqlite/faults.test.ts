/**
 * SPEC §12 "A full disk or a locked file answers 503 ERR_UNAVAILABLE, never a
 * lost acknowledged message." The server child runs with a file-size limit
 * (`ulimit -f`, RLIMIT_FSIZE): past it the kernel refuses every write that
 * would grow a file (EFBIG; Node ignores SIGXFSZ), as a full disk refuses
 * them. A visitor sends until refused; every answer is 2xx or 503
 * ERR_UNAVAILABLE with Retry-After, never another 5xx; the server lives on;
 * restarted without the limit, the file holds every acknowledged message.
 * Uses the built dist/ (npm test builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SERVER = resolve(import.meta.dirname, '../sqlite-server.mjs');
const ORIGIN = 'https://shop.test';
const dir = mkdtempSync(join(tmpdir(), 'chatq-sqlite-full-'));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The server child, under `ulimit -f <kib>` when given. */
function startServer(path: string, fileSizeKiB?: number): Promise<{ child: ChildProcess; base: string }> {
  const command = `${fileSizeKiB === undefined ? '' : `ulimit -f ${fileSizeKiB}; `}exec "$0" "$1" "$2"`;
  const child = spawn('/bin/sh', ['-c', command, process.execPath, SERVER, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((done, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const port = /listening (\d+)/.exec(out)?.[1];
      if (port) done({ child, base: `http://127.0.0.1:${port}` });
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
}

const headers = (session?: string) => ({ Origin: ORIGIN, 'Content-Type': 'application/json', ...(session ? { Authorization: `Bearer ${session}` } : {}) });

describe('SQLite engine: a disk that refuses writes', () => {
  it('answers 503 ERR_UNAVAILABLE with Retry-After, keeps serving, and loses nothing acknowledged', async () => {
    const path = join(dir, 'chat.db');
    let server = await startServer(path, 2048);
    const automatedUuid = 'fulldiskvisitor'.padEnd(24, 'x');
    const register = async () => {
      const response = await fetch(`${server.base}/v1/identity`, { method: 'POST', headers: headers(), body: JSON.stringify({ automatedUuid }) });
      expect(response.status).toBe(200);
      return ((await response.json()) as { session: string }).session;
    };
    let session = await register();
    const acknowledged: string[] = [];
    const refusals: { code: string; retryAfter: string | null }[] = [];
    const body = 'a message long enough to fill a small disk quickly '.repeat(20);
    for (let i = 0; refusals.length < 3 && i < 5_000; i++) {
      const clientId = `full-${String(i).padStart(5, '0')}`;
      const response = await fetch(`${server.base}/v1/messages`, { method: 'POST', headers: headers(session), body: JSON.stringify({ clientId, body }) });
      if (response.status === 201) acknowledged.push(clientId);
      else {
        expect(response.status).toBe(503);
        const { error } = (await response.json()) as { error: { code: string } };
        refusals.push({ code: error.code, retryAfter: response.headers.get('retry-after') });
      }
    }
    expect(refusals).toEqual(Array.from({ length: 3 }, () => ({ code: 'ERR_UNAVAILABLE', retryAfter: '2' })));
    expect(acknowledged.length).toBeGreaterThan(20);
    expect(acknowledged.length).toBeLessThan(500); // all kept (maxMessagesPerConversation)
    // Still serving: reads work while the disk is full.
    const read = await fetch(`${server.base}/v1/conversation`, { headers: headers(session) });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { messages: { clientId: string }[] }).messages.map((m) => m.clientId)).toEqual(acknowledged);

    server.child.kill('SIGKILL');
    await new Promise((done) => server.child.once('exit', done));
    server = await startServer(path);
    session = await register();
    const response = await fetch(`${server.base}/v1/conversation`, { headers: headers(session) });
    const kept = ((await response.json()) as { messages: { clientId: string; seq: number }[] }).messages;
    expect(kept.map((m) => m.clientId)).toEqual(acknowledged);
    server.child.kill('SIGTERM');
  }, 60_000);
});
