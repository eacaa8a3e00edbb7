import { MessagingConfigError } from '../../engine/config-error.js';
import { HttpError } from './errors.js';
import { appendField, reply, type Reply } from './reply.js';

/** Methods and request headers the widget uses (SPEC §6: the session travels in Authorization). */
const ALLOW_HEADERS = 'Authorization, Content-Type, Last-Event-ID';
/** Retry-After is not a CORS-safelisted response header: without this the widget could not read it. */
const EXPOSE_HEADERS = 'Retry-After, ETag';
const PREFLIGHT_MAX_AGE = '600';

export interface CorsAnswer {
  /** The Origin to echo, when the request's origin may use the handler; undefined when there is none to echo. */
  origin: string | undefined;
  allowed: boolean;
}

export interface CorsPolicy {
  check(request: Request): CorsAnswer;
}

/**
 * SPEC §6: CORS exactly from `allowedOrigins`. The matching Origin is echoed,
 * never a wildcard and never an arbitrary reflection; no credentials mode (the
 * session is a bearer header, not a cookie). The chat server's own pages
 * (browsers send Origin on same-origin POSTs too) are allowed only through the
 * configured `publicOrigin`: "same origin" is never derived from the request
 * URL, whose host comes from the Host header (a DNS-rebinding page controls it,
 * and behind a TLS-terminating proxy its scheme is wrong anyway).
 */
export function createCorsPolicy(allowedOrigins: readonly string[] | '*', publicOrigin?: string): CorsPolicy {
  if (allowedOrigins !== '*' && allowedOrigins.length === 0 && publicOrigin === undefined) {
    throw new MessagingConfigError(
      'allowedOrigins',
      "allowedOrigins is empty, so no site could use the chat: list your host sites' origins, e.g. ['https://shop.example.com'] ('*' only for a demo), or set publicOrigin for a handler only its own pages use.",
    );
  }
  const exact = new Set<string>();
  const wildcards: { prefix: string; suffix: string }[] = [];
  for (const [index, entry] of (allowedOrigins === '*' ? [] : allowedOrigins).entries()) {
    const path = `allowedOrigins[${index}]`;
    const wildcard = readWildcard(entry, path);
    if (wildcard) wildcards.push(wildcard);
    else exact.add(normalizeOrigin(entry, path));
  }
  const matches = (origin: string): boolean =>
    exact.has(origin) || wildcards.some(({ prefix, suffix }) => origin.startsWith(prefix) && origin.endsWith(suffix) && isSubdomainLabelRun(origin.slice(prefix.length, -suffix.length)));
  return {
    check(request) {
      const origin = request.headers.get('Origin');
      // The browser's own word (a header no page can set) that the chat server's own page asks,
      // e.g. the inbox at {base}/inbox/: same-origin needs no grant, and no publicOrigin option.
      if (origin === null || request.headers.get('Sec-Fetch-Site') === 'same-origin') return { origin: undefined, allowed: true };
      const ok = allowedOrigins === '*' || matches(origin) || origin === publicOrigin;
      return { origin: ok ? origin : undefined, allowed: ok };
    },
  };
}

/**
 * `https://Example.com/` → `https://example.com`, so a configured origin
 * compares like a browser's. Only http(s) origins (SPEC §6 "Bounds"): an
 * opaque origin (`file:`, an extension scheme, `null`) serializes as "null",
 * which every sandboxed iframe and data: page anywhere also sends.
 */
function normalizeOrigin(origin: string, path: string): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  const shown = typeof origin === 'string' ? JSON.stringify(origin.slice(0, 200)) : typeof origin;
  if (url === undefined) throw new MessagingConfigError(path, `allowedOrigins: ${shown} is not an origin such as https://shop.example.com`);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin === 'null') {
    throw new MessagingConfigError(
      path,
      `allowedOrigins: ${shown} is an opaque origin (browsers send "null" for it, as does any sandboxed page anywhere), so it cannot be allowed; list http(s) origins such as https://shop.example.com.`,
    );
  }
  return url.origin;
}

/**
 * `https://*.example.com` (shops on many subdomains): any subdomain, at any depth, of that domain, with
 * that scheme and port — never the domain itself, never another domain that merely ends the same way.
 * A `*` anywhere else is refused: it would be read as a literal host name and match nothing.
 */
function readWildcard(entry: unknown, path: string): { prefix: string; suffix: string } | undefined {
  if (typeof entry !== 'string' || !entry.includes('*')) return undefined;
  const match = /^(https?):\/\/\*\.([a-z0-9-]+(?:\.[a-z0-9-]+)+)(:\d{1,5})?\/?$/i.exec(entry);
  if (!match) {
    throw new MessagingConfigError(
      path,
      `allowedOrigins: ${JSON.stringify(entry.slice(0, 200))} has a "*" where chatq cannot use one; write a subdomain wildcard as https://*.example.com, or list each origin.`,
    );
  }
  const base = normalizeOrigin(`${match[1]}://${match[2]}${match[3] ?? ''}`, path);
  const url = new URL(base);
  return { prefix: `${url.protocol}//`, suffix: `.${url.host}` };
}

/** `shop` or `eu.shop`: DNS labels, as a browser's Origin carries them (lower case). */
function isSubdomainLabelRun(text: string): boolean {
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(text);
}

/** Adds the CORS answer to any reply (errors included, so the widget can read their codes). */
export function applyCorsHeaders(answer: Reply, origin: string | undefined): void {
  appendField(answer.headers, 'vary', 'Origin');
  if (origin !== undefined) {
    answer.headers['access-control-allow-origin'] = origin;
    answer.headers['access-control-expose-headers'] = EXPOSE_HEADERS;
  }
}

export function preflightReply(request: Request, origin: string | undefined, allow: readonly string[]): Reply {
  if (origin === undefined && request.headers.has('Origin')) {
    throw new HttpError(403, 'ERR_ORIGIN_NOT_ALLOWED', 'This origin is not in the handler\'s allowedOrigins.');
  }
  return reply(204, null, {
    'Access-Control-Allow-Methods': allow.join(', '),
    'Access-Control-Allow-Headers': ALLOW_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
    Allow: allow.join(', '),
    Vary: 'Access-Control-Request-Method, Access-Control-Request-Headers',
  });
}
