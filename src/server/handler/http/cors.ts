import { ConfigProblems, MessagingConfigError } from '../../errors.js';
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
  const problems = new ConfigProblems('createMessagingHandler');
  for (const [index, entry] of (allowedOrigins === '*' ? [] : allowedOrigins).entries()) {
    const path = `allowedOrigins[${index}]`;
    // Every wrong entry is listed, not only the first (issue 21 item 3).
    problems.attempt(() => {
      const wildcard = readWildcard(entry, path);
      if (wildcard) wildcards.push(wildcard);
      else exact.add(normalizeOrigin(entry, path));
    }, undefined);
  }
  problems.throwIfAny();
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

/** Each refused origin is named at most once per window; past NAMED_PER_WINDOW names a window only counts. */
const REFUSAL_WINDOW_MS = 10 * 60_000;
const NAMED_PER_WINDOW = 10;
/** Counters kept for the origins a window does not name, so its summary can name the most frequent (Misra–Gries). */
const FREQUENT_TRACKED = 32;
const FREQUENT_NAMED = 3;

export interface RefusedOriginLog {
  /** A request from `origin` (the raw Origin header) was refused. */
  note(origin: string): void;
}

/**
 * SPEC §6 "Fitting": a refused origin is logged, since it is most often the
 * integrator's own site missing from allowedOrigins. The log is per window of
 * time, not for the process's lifetime: made-up origins (anyone can send any
 * Origin) once filled a lifetime cap of 100, after which a real
 * misconfiguration was never logged (issue 16, low 3). Within a window the
 * first NAMED_PER_WINDOW origins are named; the rest are counted, and the
 * first refusal after the window gives one "N more" line naming the most
 * frequent of them — a real site refused on every page view outnumbers
 * one-off junk, so it is named even while a flood fills the named slots.
 */
export function createRefusedOriginLog(logger: { warn(message: string): void }, now: () => number): RefusedOriginLog {
  let windowStart = -Infinity;
  let named = new Set<string>();
  let unnamedRequests = 0;
  let frequent = new Map<string, number>();

  function summarize(): void {
    if (unnamedRequests === 0) return;
    const top = [...frequent].sort((a, b) => b[1] - a[1]).slice(0, FREQUENT_NAMED).map(([origin]) => origin);
    const often = top.length === 0 ? '' : ` (most often ${top.join(', ')})`;
    const minutes = REFUSAL_WINDOW_MS / 60_000;
    logger.warn(`chatq: ${unnamedRequests} more refused requests in ${minutes} minutes from origins not in allowedOrigins and not named above${often}.`);
  }

  function countUnnamed(shown: string): void {
    unnamedRequests++;
    const count = frequent.get(shown);
    if (count !== undefined) frequent.set(shown, count + 1);
    else if (frequent.size < FREQUENT_TRACKED) frequent.set(shown, 1);
    else {
      // Misra–Gries: a new origin takes one from every counter, so any origin sent more than
      // 1/FREQUENT_TRACKED of the window's unnamed requests keeps its counter.
      for (const [key, value] of frequent) {
        if (value <= 1) frequent.delete(key);
        else frequent.set(key, value - 1);
      }
    }
  }

  return {
    note(origin) {
      const at = now();
      if (at - windowStart >= REFUSAL_WINDOW_MS || at < windowStart) {
        summarize();
        windowStart = at;
        named = new Set();
        unnamedRequests = 0;
        frequent = new Map();
      }
      const shown = JSON.stringify(origin.slice(0, 200));
      if (named.has(shown)) return;
      if (named.size >= NAMED_PER_WINDOW) return countUnnamed(shown);
      named.add(shown);
      logger.warn(`chatq: refused requests from origin ${shown}, which is not in allowedOrigins (each origin is named at most once in ${REFUSAL_WINDOW_MS / 60_000} minutes).`);
    },
  };
}
