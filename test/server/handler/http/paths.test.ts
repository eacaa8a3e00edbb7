import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { spellsPathname, targetUrl } from '../../../../src/server/handler/adapter/node-url.js';
import { pathUnder } from '../../../../src/server/handler/http/paths.js';
import { type MessagingHandler } from '../../../../src/server/handler/index.js';
import { toNodeListener } from '../../../../src/server/node/index.js';
import { AGENT_TOKEN, HOST_ORIGIN, listenOnLoopback, makeHandler } from '../helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The handler as Express-style middleware under /chatq; the app behind it echoes the path it got. */
async function mountAsMiddleware(handler: MessagingHandler): Promise<URL> {
  const listener = toNodeListener(handler);
  const { url, close } = await listenOnLoopback((req, res) =>
    listener(req, res, () => {
      res.setHeader('Content-Type', 'text/plain');
      res.end(`app ${req.url}`);
    }),
  );
  cleanups.push(close);
  cleanups.push(() => handler.close());
  return new URL(url);
}

/** Sends the request target exactly as written (fetch and http.request would normalize or refuse some). */
function get(base: URL, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname, () =>
      socket.end(`GET ${target} HTTP/1.1\r\nHost: chat.test\r\nOrigin: ${HOST_ORIGIN}\r\nConnection: close\r\n\r\n`),
    );
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('end', () => resolve({ status: Number(text.split(' ', 2)[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
    socket.on('error', reject);
  });
}

/** Who answered: the app behind the middleware (with the path it got), or the handler (its JSON error code, or the loader). */
async function answeredBy(base: URL, target: string): Promise<string> {
  const { status, body } = await get(base, target);
  if (body.startsWith('app ')) return body;
  if (body === 'void 0;') return 'handler loader.js';
  return `handler ${status} ${(JSON.parse(body) as { error: { code: string } }).error.code}`;
}

describe('middleware mode: the app, the decision and the handler read one path', () => {
  it('a path that leaves basePath once resolved is the app\'s, however it starts', async () => {
    const base = await mountAsMiddleware(makeHandler({ basePath: '/chatq' }));
    for (const target of ['/chatq/v1/../../admin', '/chatq/v1/%2e%2e/%2e%2e/admin', '/chatq/v1/.%2E/.%2e/admin', '/chatq/agent/../../admin', '/chatq/v1\\..\\..\\admin']) {
      expect(await answeredBy(base, target), target).toBe(`app ${target}`);
    }
  });

  it('a path spelled otherwise than it resolves goes to the app as it came, even when it resolves into the handler\'s namespace', async () => {
    const base = await mountAsMiddleware(makeHandler({ basePath: '/chatq', agentToken: AGENT_TOKEN, loaderScript: 'void 0;' }));
    // An app rule on /chatq/agent (an allowlist) matches the path as sent: the handler must not answer a spelling that rule did not see.
    for (const target of [
      '/x/../chatq/agent/v1/conversations',
      '/chatq/v1/../agent/v1/conversations',
      '/chatq/./agent/v1/conversations',
      '/chatq/v1/./conversation',
      '/chatq/%2e/v1/conversation',
      '/chatq\\v1\\conversation',
      '/chatq/v1/../loader.js',
    ]) {
      expect(await answeredBy(base, target), target).toBe(`app ${target}`);
    }
  });

  it('a path spelled as it resolves is the handler\'s, in origin or absolute form', async () => {
    const base = await mountAsMiddleware(makeHandler({ basePath: '/chatq', loaderScript: 'void 0;' }));
    expect(await answeredBy(base, '/chatq/v1/conversation')).toBe('handler 401 ERR_SESSION_MISSING');
    expect(await answeredBy(base, '/chatq/v1/conversation?x=../..')).toBe('handler 401 ERR_SESSION_MISSING');
    expect(await answeredBy(base, 'http://chat.test/chatq/v1/conversation')).toBe('handler 401 ERR_SESSION_MISSING');
    expect(await answeredBy(base, '/chatq/loader.js')).toBe('handler loader.js');
    for (const target of ['//chatq/v1/conversation', '/chatq//v1/conversation', '/%63hatq/v1/conversation', '*']) {
      expect(await answeredBy(base, target), target).toBe(`app ${target}`);
    }
  });

  it('a malformed Host does not move the decision: the handler answers its own paths 400, the app keeps the rest', async () => {
    const base = await mountAsMiddleware(makeHandler({ basePath: '/chatq' }));
    const send = (target: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(base.port), base.hostname, () => socket.end(`GET ${target} HTTP/1.1\r\nHost: bad/host\r\nConnection: close\r\n\r\n`));
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString('utf8')));
        socket.on('end', () => resolve(text.split(' ', 2)[1]!));
        socket.on('error', reject);
      });
    expect(await send('/chatq/v1/conversation')).toBe('400');
    expect(await send('/chatq/v1/../../shop')).toBe('200');
  });
});

describe('toNodeListener as the whole server: the handler routes on the resolved path', () => {
  it('answers every spelling as the path it resolves to', async () => {
    const handler = makeHandler({ basePath: '/chatq' });
    const { url, close } = await listenOnLoopback(toNodeListener(handler));
    cleanups.push(close);
    cleanups.push(() => handler.close());
    const base = new URL(url);
    for (const target of ['/chatq/./v1/conversation', '/x/../chatq/v1/conversation', '/chatq\\v1\\conversation']) {
      expect(await answeredBy(base, target), target).toBe('handler 401 ERR_SESSION_MISSING');
    }
    expect(await answeredBy(base, '/chatq/v1/../../admin')).toBe('handler 404 ERR_NOT_FOUND');
  });
});

describe('targetUrl, spellsPathname (adapter/node-url.ts) and pathUnder (http/paths.ts): the one rule', () => {
  it('gives the path the WHATWG parser gives, joined to the origin as text', () => {
    const path = (target: string) => targetUrl('http://chat.test', target)?.pathname;
    expect(path('/chatq/v1/../../admin')).toBe('/admin');
    expect(path('/chatq/%2e%2e/x')).toBe('/x');
    expect(path('/chatq\\v1')).toBe('/chatq/v1');
    // Never read as a network-path reference (another host).
    expect(targetUrl('http://chat.test', '//evil.test/v1/identity')?.href).toBe('http://chat.test//evil.test/v1/identity');
    expect(targetUrl('http://chat.test', 'http://evil.test/v1/x?y')?.href).toBe('http://chat.test/v1/x?y');
    expect(targetUrl('http://chat.test', '*')).toBeUndefined();
  });

  it('tells a target spelled as its path from one the parser had to change', () => {
    const spelled = (target: string) => spellsPathname(target, targetUrl('http://chat.test', target)!);
    for (const target of ['/chatq/v1/x', '/chatq/v1/x?y=../..', 'http://h.test/chatq/v1/x?y', '//x', '/chatq/v1/%7B']) expect(spelled(target), target).toBe(true);
    for (const target of ['/chatq/./v1', '/chatq/v1/..', '/chatq/%2e%2E/x', '/chatq\\v1', '/chatq/v1/{x}', 'http://h.test']) expect(spelled(target), target).toBe(false);
  });

  it('cuts basePath off a path under it', () => {
    expect(pathUnder('/chatq/v1/x', '/chatq')).toBe('/v1/x');
    expect(pathUnder('/chatqx/v1/x', '/chatq')).toBeUndefined();
    expect(pathUnder('/v1/x', '')).toBe('/v1/x');
  });
});
