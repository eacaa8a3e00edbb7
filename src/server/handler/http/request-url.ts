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
