import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NodeHeaders } from '../../../../src/server/handler/adapter/node-headers.js';
import { NodeRequest } from '../../../../src/server/handler/adapter/node-request.js';
import { toNodeListener } from '../../../../src/server/node/index.js';
import { automatedUuid, HOST_ORIGIN, listenOnLoopback, useHandlers } from '../helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
const handlers = useHandlers();

/** The IncomingMessage node:http parsed from exactly these header lines. */
async function incoming(lines: string[]): Promise<IncomingMessage> {
  let seen: IncomingMessage | undefined;
  const { url, close } = await listenOnLoopback((req, res) => {
    seen = req;
    res.end();
  });
  cleanups.push(close);
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1', () => socket.write(`GET / HTTP/1.1\r\nHost: x\r\n${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`));
    socket.on('error', reject).on('close', () => resolve()).resume();
  });
  return seen!;
}

/** A visitor request through node:http (no fetch: only the adapter could build a Headers here). */
function exchange(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers: { Origin: HOST_ORIGIN, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        // A stream: its first event is enough.
        if (res.headers['content-type']?.startsWith('text/event-stream')) {
          resolve({ status: res.statusCode!, text });
          req.destroy();
        }
      });
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end(body);
  });
}

/** What a Headers copied field by field from the raw list answers (the adapter's way before NodeHeaders). */
function copied(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

describe('NodeHeaders: a NodeRequest\'s headers, read from the raw list in place', () => {
  const lines = ['X-A:  one \t', 'x-a:', 'Origin: https://shop.test', 'X-A: two', 'Content-Type: application/json', 'X-Empty:', 'Set-Cookie: a=1', 'Set-Cookie: b=2'];

  it('answers get and has as a copied Headers does: any case, duplicates joined, empty values kept, absent = null', async () => {
    const { rawHeaders } = await incoming(lines);
    const lazy = new NodeHeaders(rawHeaders);
    const reference = copied(rawHeaders);
    for (const name of ['x-a', 'X-A', 'origin', 'Origin', 'content-type', 'x-empty', 'host', 'missing', 'Transfer-Encoding', 'set-cookie']) {
      expect(lazy.get(name), name).toBe(reference.get(name));
      expect(lazy.has(name), name).toBe(reference.has(name));
    }
    expect(lazy.get('x-a')).toBe('one, , two');
    expect(lazy).toBeInstanceOf(Headers);
  });

  it('refuses an invalid name as Headers does', () => {
    expect(() => new NodeHeaders(['A', 'b']).get('bad name')).toThrow(TypeError);
  });

  it('iterates, copies and changes like a copied Headers', async () => {
    const { rawHeaders } = await incoming(lines);
    expect([...new NodeHeaders(rawHeaders)]).toEqual([...copied(rawHeaders)]);
    expect([...new Headers(new NodeHeaders(rawHeaders))]).toEqual([...copied(rawHeaders)]);
    expect(new NodeHeaders(rawHeaders).getSetCookie()).toEqual(['a=1', 'b=2']);
    const seen: string[] = [];
    new NodeHeaders(rawHeaders).forEach((value, name) => seen.push(`${name}=${value}`));
    expect(seen).toContain('origin=https://shop.test');
    const changed = new NodeHeaders(rawHeaders);
    changed.set('x-a', 'changed');
    changed.delete('origin');
    changed.append('x-new', '1');
    expect([changed.get('X-A'), changed.get('origin'), changed.has('Origin'), changed.get('x-new'), changed.get('content-type')]).toEqual(['changed', null, false, '1', 'application/json']);
    const real = NodeRequest.real(new NodeRequest(await incoming(lines), new URL('http://x/'), undefined));
    expect(real.headers.get('x-a')).toBe('one, , two');
  });

  it('copies nothing for registration, a message and a stream through toNodeListener', async () => {
    const { url, close } = await listenOnLoopback(toNodeListener(handlers()));
    cleanups.push(close);
    const append = vi.spyOn(Headers.prototype, 'append');
    const json = { 'Content-Type': 'application/json' };
    const registered = await exchange(url, 'POST', '/v1/identity', json, JSON.stringify({ automatedUuid: automatedUuid() }));
    expect(registered.status).toBe(200);
    const auth = { Authorization: `Bearer ${(JSON.parse(registered.text) as { session: string }).session}` };
    const sent = await exchange(url, 'POST', '/v1/messages', { ...json, ...auth }, JSON.stringify({ clientId: 'c_0000000001', body: 'hello' }));
    expect(sent.status).toBe(201);
    const stream = await exchange(url, 'GET', '/v1/stream', auth);
    expect(stream.status).toBe(200);
    expect(append).not.toHaveBeenCalled();
  });
});
