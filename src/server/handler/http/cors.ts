import { HttpError } from './errors.js';
import { getResponseHeader, rawResponse, setResponseHeader } from './raw-response.js';

/** Methods and request headers the widget uses (SPEC §6: the session travels in Authorization). */
const ALLOW_HEADERS = 'Authorization, Content-Type, Last-Event-ID';
/** Retry-After is not a CORS-safelisted response header: without this the widget could not read it. */
const EXPOSE_HEADERS = 'Retry-After, ETag';
const PREFLIGHT_MAX_AGE = '600';

export interface CorsPolicy {
  /** The Origin to echo, when the request's origin may use the handler; undefined when there is none to echo. */
  check(request: Request): { origin: string | undefined; allowed: boolean };
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
  const allowed = allowedOrigins === '*' ? undefined : new Set(allowedOrigins.map(normalizeOrigin));
  return {
    check(request) {
      const origin = request.headers.get('Origin');
      if (origin === null) return { origin: undefined, allowed: true };
      const ok = allowed === undefined || allowed.has(origin) || origin === publicOrigin;
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
function normalizeOrigin(origin: string): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  const shown = typeof origin === 'string' ? JSON.stringify(origin.slice(0, 200)) : typeof origin;
  if (url === undefined) throw new TypeError(`allowedOrigins: ${shown} is not an origin such as https://shop.example.com`);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin === 'null') {
    throw new TypeError(
      `allowedOrigins: ${shown} is an opaque origin (browsers send "null" for it, as does any sandboxed page anywhere), so it cannot be allowed; list http(s) origins such as https://shop.example.com.`,
    );
  }
  return url.origin;
}

/** Adds the CORS answer to any response (errors included, so the widget can read their codes). */
export function applyCorsHeaders(response: Response, origin: string | undefined): Response {
  appendVary(response, 'Origin');
  if (origin !== undefined) {
    setResponseHeader(response, 'Access-Control-Allow-Origin', origin);
    setResponseHeader(response, 'Access-Control-Expose-Headers', EXPOSE_HEADERS);
  }
  return response;
}

export function preflightResponse(request: Request, origin: string | undefined, allow: readonly string[]): Response {
  if (origin === undefined && request.headers.has('Origin')) {
    throw new HttpError(403, 'ERR_ORIGIN_NOT_ALLOWED', 'This origin is not in the handler\'s allowedOrigins.');
  }
  const headers: Record<string, string> = {
    'Access-Control-Allow-Methods': allow.join(', '),
    'Access-Control-Allow-Headers': ALLOW_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
    Allow: allow.join(', '),
  };
  const response = rawResponse(204, null, headers);
  appendVary(response, 'Access-Control-Request-Method, Access-Control-Request-Headers');
  return response;
}

/** Adds to Vary (raw responses keep plain fields: no Headers object is built for this). */
function appendVary(response: Response, value: string): void {
  const current = getResponseHeader(response, 'Vary');
  if (!current) setResponseHeader(response, 'Vary', value);
  else if (!current.split(',').some((part) => part.trim().toLowerCase() === value.toLowerCase())) {
    setResponseHeader(response, 'Vary', `${current}, ${value}`);
  }
}
