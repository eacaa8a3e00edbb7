import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isHandlerPath, requestOrigin, spellsPathname, targetUrl } from '../../../../src/server/handler/adapter/node-url.js';

const ORIGIN = 'http://chat.test:8080';

describe('targetUrl: the URL a raw request target names', () => {
  it('joins an origin-form target to the origin, query kept', () => {
    expect(targetUrl(ORIGIN, '/chatq/v1/messages?x=1')?.href).toBe('http://chat.test:8080/chatq/v1/messages?x=1');
  });

  it('never reads `//host/…` as another origin (it stays a path on this one)', () => {
    const url = targetUrl(ORIGIN, '//evil.test/v1/identity')!;
    expect(url.origin).toBe(ORIGIN);
    expect(url.pathname).toBe('//evil.test/v1/identity');
  });

  it("keeps only the path and query of an absolute-form target, on this server's origin", () => {
    const url = targetUrl(ORIGIN, 'HTTP://evil.test/v1/identity?y=2#frag')!;
    expect(url.href).toBe('http://chat.test:8080/v1/identity?y=2');
  });

  it('resolves dot segments and backslashes as the WHATWG parser does', () => {
    expect(targetUrl(ORIGIN, '/x/../chatq/%2e%2e/agent\\v1')?.pathname).toBe('/agent/v1');
  });

  it('is undefined for anything else: `*`, a relative path, another scheme, an unparsable origin', () => {
    expect(targetUrl(ORIGIN, '*')).toBeUndefined();
    expect(targetUrl(ORIGIN, 'v1/identity')).toBeUndefined();
    expect(targetUrl(ORIGIN, 'ftp://chat.test/v1')).toBeUndefined();
    expect(targetUrl('not an origin', '/v1')).toBeUndefined();
  });
});

describe('spellsPathname: the target says exactly the path the handler routes on', () => {
  const check = (target: string) => spellsPathname(target, targetUrl(ORIGIN, target)!);

  it('holds for a plain path, with or without a query or fragment, and for the absolute form', () => {
    expect(check('/chatq/agent/v1/me')).toBe(true);
    expect(check('/chatq/v1/stream?events=typing')).toBe(true);
    expect(check('http://chat.test/chatq/v1/policy?x')).toBe(true);
  });

  it('fails for every spelling the parser rewrites: dot segments, encoded dots, backslashes, re-encoding', () => {
    expect(check('/x/../chatq/agent/v1/me')).toBe(false);
    expect(check('/chatq/./agent/v1/me')).toBe(false);
    expect(check('/x/%2e%2e/chatq/agent/v1/me')).toBe(false);
    expect(check('/chatq\\agent/v1/me')).toBe(false);
    expect(check('/chatq/a b')).toBe(false);
  });
});

describe('isHandlerPath: the middleware-mode namespace', () => {
  it('is loader.js, /v1/… and /agent/… under basePath', () => {
    expect(isHandlerPath('/chatq/loader.js', '/chatq')).toBe(true);
    expect(isHandlerPath('/chatq/v1/identity', '/chatq')).toBe(true);
    expect(isHandlerPath('/chatq/agent/v1/me', '/chatq')).toBe(true);
    expect(isHandlerPath('/v1/identity', '')).toBe(true);
  });

  it("leaves everything else to the app, even at basePath ''", () => {
    expect(isHandlerPath('/', '')).toBe(false);
    expect(isHandlerPath('/about', '')).toBe(false);
    expect(isHandlerPath('/v1', '')).toBe(false);
    expect(isHandlerPath('/chatq', '/chatq')).toBe(false);
    expect(isHandlerPath('/chatqx/v1/identity', '/chatq')).toBe(false);
    expect(isHandlerPath('/v1/identity', '/chatq')).toBe(false);
    expect(isHandlerPath('/chatq/panel.js', '/chatq')).toBe(false);
  });
});

describe('requestOrigin: the origin from the Host header', () => {
  const node = (host: string | undefined, encrypted?: boolean) =>
    ({ headers: host === undefined ? {} : { host }, socket: encrypted === undefined ? {} : { encrypted } }) as unknown as IncomingMessage;

  it('is http://host, or https:// on a TLS socket', () => {
    expect(requestOrigin(node('chat.test:8080'))).toBe('http://chat.test:8080');
    expect(requestOrigin(node('chat.test', true))).toBe('https://chat.test');
    expect(requestOrigin(node('[2001:db8::1]:443', true))).toBe('https://[2001:db8::1]:443');
  });

  it('is localhost without a Host (HTTP/1.0)', () => {
    expect(requestOrigin(node(undefined))).toBe('http://localhost');
  });

  it('is undefined for a malformed Host: a path, credentials, a space, a port too long', () => {
    for (const host of ['chat.test/x', 'user@chat.test', 'chat test', 'chat.test:123456', '', 'chat.test:']) {
      expect(requestOrigin(node(host)), host).toBeUndefined();
    }
  });
});
