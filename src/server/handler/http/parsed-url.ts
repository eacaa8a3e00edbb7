/**
 * The URL an adapter already parsed for a Request (toNodeListener's
 * NodeRequest keeps the one it decided with, adapter/node-request.ts), so the
 * handler does not parse `request.url` a second time (issue 22 item 1). Any
 * other Request's URL is parsed from `request.url`, as before.
 */
export const PARSED_URL: unique symbol = Symbol.for('chatq.parsedUrl');

export function requestUrl(request: Request): URL {
  const parsed = (request as { [PARSED_URL]?: unknown })[PARSED_URL];
  return parsed instanceof URL && parsed.href === request.url ? parsed : new URL(request.url);
}
