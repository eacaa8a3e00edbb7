/**
 * SPEC §12: "A 2xx for a message means it is in the file: a restart or
 * `kill -9` loses nothing acknowledged." A child process serves a real
 * handler over node:http on the SQLite engine; four visitors send 1,000
 * messages in all, and the child is killed with SIGKILL once 500 were
 * answered 2xx, with more in flight. A new child on the same file then holds
 * every acknowledged message once and in order; the visitors finish their
 * messages (retries of the ones in flight are recognized by clientId) and the
 * file holds exactly the 1,000, once, in order. A second process on the file
 * is refused. Uses the built dist/ (npm test builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SERVER = resolve(import.meta.dirname, 'sqlite-server.mjs');
const ORIGIN = 'https://shop.test';
const VISITORS = 4;
const PER_VISITOR = 250;
const KILL_AFTER = 500;

const dir = mkdtempSync(join(tmpdir(), 'chatq-sqlite-crash-'));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  base: string;
  exited: Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

/** Starts the server child on `path`; resolves once it listens (or rejects with its stderr). */
function startServer(path: string): Promise<Started> {
  const child = spawn(process.execPath, [SERVER, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((done) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      done({ code, signal, stderr });
    }),
  );
  return new Promise((done, fail) => {
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const port = /listening (\d+)/.exec(stdout)?.[1];
      if (port) done({ child, base: `http://127.0.0.1:${port}`, exited });
    });
    void exited.then(({ code, stderr: text }) => fail(new Error(`server exited (${code}): ${text}`)));
  });
}

async function post(base: string, path: string, body: unknown, session?: string): Promise<Response> {
  const headers: Record<string, string> = { Origin: ORIGIN, 'Content-Type': 'application/json' };
  if (session) headers.Authorization = `Bearer ${session}`;
  return fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

/** A visitor: a fixed automated uuid, so it finds its conversation again after a restart. */
function visitor(n: number) {
  const automatedUuid = `crashvisitor${n}`.padEnd(24, 'x');
  return {
    automatedUuid,
    async register(base: string): Promise<string> {
      const response = await post(base, '/v1/identity', { automatedUuid });
      expect(response.status).toBe(200);
      return ((await response.json()) as { session: string }).session;
    },
    clientId: (i: number) => `v${n}-message-${String(i).padStart(4, '0')}`,
  };
}

async function history(base: string, session: string): Promise<{ seq: number; clientId: string; body: string }[]> {
  const response = await fetch(`${base}/v1/conversation`, { headers: { Origin: ORIGIN, Authorization: `Bearer ${session}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: { seq: number; clientId: string; body: string }[] }).messages;
}

describe('SQLite engine: kill -9 in the middle of 1,000 acknowledged messages', () => {
  it('loses nothing acknowledged, duplicates nothing, keeps the order; a second process is refused', async () => {
    const path = join(dir, 'chat.db');
    const visitors = Array.from({ length: VISITORS }, (_, n) => visitor(n));
    let server = await startServer(path);
    const sessions = await Promise.all(visitors.map((v) => v.register(server.base)));
    /** Per visitor: the messages answered 2xx, in the order sent. */
    const acknowledged = visitors.map(() => [] as number[]);
    let total = 0;

    // Each visitor sends its messages one after another (as a widget does), the four at once.
    const sendAll = (base: string, from: number[]) =>
      Promise.all(
        visitors.map(async (v, n) => {
          for (let i = from[n]!; i < PER_VISITOR; i++) {
            let response: Response;
            try {
              response = await post(base, '/v1/messages', { clientId: v.clientId(i), body: `message ${i} of visitor ${n}` }, sessions[n]);
            } catch {
              return i; // the server is gone: this one is in flight, unanswered
            }
            expect([200, 201]).toContain(response.status);
            acknowledged[n]!.push(i);
            if (++total === KILL_AFTER) server.child.kill('SIGKILL');
          }
          return PER_VISITOR;
        }),
      );

    const stoppedAt = await sendAll(server.base, visitors.map(() => 0));
    const death = await server.exited;
    expect(death.signal).toBe('SIGKILL');
    expect(total).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(total).toBeLessThan(VISITORS * PER_VISITOR);

    server = await startServer(path);
    // A second process on the same file is refused, naming the fix.
    const second = await startServer(path).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(second).toMatch(/ERR_HANDLER_CONFIG: .*in use by another process.*chatq\/redis/s);

    const again = await Promise.all(visitors.map((v) => v.register(server.base)));
    sessions.splice(0, VISITORS, ...again);
    for (const [n, v] of visitors.entries()) {
      const kept = await history(server.base, sessions[n]!);
      const acked = acknowledged[n]!.map((i) => v.clientId(i));
      // Every acknowledged message is there, once, in the order sent, with consecutive seqs; at most
      // the one that was in flight follows it (written but unanswered).
      expect(kept.slice(0, acked.length).map((m) => m.clientId)).toEqual(acked);
      expect(kept.length - acked.length).toBeLessThanOrEqual(1);
      expect(kept.map((m) => m.seq)).toEqual(kept.map((_, k) => k + 1));
    }

    // The visitors finish (the widget retries an unanswered message with the same clientId).
    await sendAll(server.base, stoppedAt);
    for (const [n, v] of visitors.entries()) {
      const kept = await history(server.base, sessions[n]!);
      expect(kept.map((m) => m.clientId)).toEqual(Array.from({ length: PER_VISITOR }, (_, i) => v.clientId(i)));
      expect(kept.map((m) => m.seq)).toEqual(kept.map((_, k) => k + 1));
    }
    server.child.kill('SIGTERM');
    await server.exited;
  }, 120_000);
});
