const PARSED = Symbol.for('chatq.parsedUrl');

/** An adapter's request object may carry the URL it already parsed under this key. */
export const PARSED_URL: typeof PARSED = PARSED;

/**
 * `new URL(request.url)`, unless the adapter that built the request already
 * parsed it (toNodeListener does, to refuse a malformed Host before the
 * handler runs): a URL parse is ~6 µs on Node 20, a tenth of a chat request.
 * The handler only reads the URL it gets.
 */
export function requestUrl(request: Request): URL {
  const parsed = (request as { [PARSED]?: unknown })[PARSED];
  return parsed instanceof URL ? parsed : new URL(request.url);
}

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
 * `pathname` relative to `basePath` (`/chatq/v1/x` → `/v1/x`), or undefined
 * when it is not under it. What the handler routes on; toNodeListener's
 * middleware mode asks the same question.
 */
export function pathUnder(pathname: string, basePath: string): string | undefined {
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
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
