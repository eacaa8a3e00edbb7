/**
 * The request URL toNodeListener hands the handler, and its middleware-mode
 * decision, from the raw request target and Host.
 */
import type { IncomingMessage } from 'node:http';
import { pathUnder } from '../http/paths.js';

/**
 * The URL a raw HTTP request target (`/chatq/v1/messages?x`, or the
 * absolute form of RFC 9112 §3.2.2) names on `origin`; undefined when it is
 * not one. This is the one place a target becomes a path: the WHATWG parser
 * resolves `.`, `..` and `%2e%2e` segments and reads `\` as `/`, and an
 * adapter that decides with this URL whether a request is the handler's
 * (toNodeListener's middleware mode) hands the same URL to the handler, which
 * routes on it.
 *
 * Joined as text, never resolved as a relative reference: `new URL(target,
 * base)` reads `//evil.test/v1/identity` as the URL
 * `http://evil.test/v1/identity`, whose origin then matched an
 * `Origin: http://evil.test` header as "same origin" and went past
 * allowedOrigins. An absolute-form target keeps only its path and query for
 * the same reason.
 */
export function targetUrl(origin: string, target: string): URL | undefined {
  try {
    if (target.startsWith('/')) return new URL(`${origin}${target}`);
    if (!/^https?:\/\//i.test(target)) return undefined;
    const absolute = new URL(target);
    return new URL(`${origin}${absolute.pathname}${absolute.search}`);
  } catch {
    return undefined;
  }
}

/**
 * Whether the target spells exactly the path `url` (its targetUrl) has:
 * nothing for the parser to resolve (`.`, `..`, `%2e%2e`, `\`) or re-encode.
 * Browsers and proxies send paths so; other spellings are made by hand. An
 * app's router (Express, Connect, Fastify) matches the path as sent, so
 * toNodeListener's middleware mode answers only such targets: then the app's
 * own rules (`app.use('/chatq/agent', allowlist)`), the middleware's decision
 * and the handler's routing all read one path. `/x/../chatq/agent/…` would
 * otherwise pass the app's `/chatq/agent` rule unseen and reach the agent API.
 */
export function spellsPathname(target: string, url: URL): boolean {
  const sent = target.startsWith('/') ? target : target.replace(/^https?:\/\/[^/?#]*/i, '');
  const end = sent.search(/[?#]/);
  return (end < 0 ? sent : sent.slice(0, end)) === url.pathname;
}

/**
 * Middleware mode: the handler's namespace under basePath (protocol.ts) is
 * `/loader.js`, `/v1/…` and `/agent/…`; everything else belongs to the app,
 * even with basePath ''.
 */
export function isHandlerPath(pathname: string, basePath: string): boolean {
  const rest = pathUnder(pathname, basePath);
  return rest !== undefined && (rest === '/loader.js' || rest.startsWith('/v1/') || rest.startsWith('/agent/'));
}

/** A Host header that is a host name or address and an optional port, nothing else. */
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The request's origin from its Host (localhost without one, as HTTP/1.0 allows); undefined for a malformed Host. */
export function requestOrigin(req: IncomingMessage): string | undefined {
  const host = req.headers.host ?? 'localhost';
  if (!HOST.test(host)) return undefined;
  const scheme = (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  return `${scheme}://${host}`;
}
