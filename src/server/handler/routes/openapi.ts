import { OPENAPI_PATH } from '../../../identity/index.js';
import type { Call, HandlerContext } from '../context.js';
import { reply, type Reply } from '../http/reply.js';
import { openApiDocument as buildDocument } from '../openapi/document.js';

/** The document's text per mount path (servers[0].url): a handler is reached under one or two at most. */
const cache = new Map<string, string>();
const MAX_CACHED = 8;

/**
 * `GET {base}/openapi.json`: the OpenAPI 3.1 document of this API and its
 * stream events (SPEC §11 "The contract"). It holds no data, so any origin
 * may read it; `servers` is the path it was asked at, minus its own name.
 */
export async function openApiDocument(_ctx: HandlerContext, call: Call): Promise<Reply> {
  const base = call.url.pathname.endsWith(OPENAPI_PATH) ? call.url.pathname.slice(0, -OPENAPI_PATH.length) : '';
  let text = cache.get(base);
  if (text === undefined) {
    text = JSON.stringify(buildDocument(base));
    if (cache.size < MAX_CACHED) cache.set(base, text);
  }
  return reply(200, text, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' });
}
