import { encodeBase64url } from '../../../identity/index.js';
import { MessagingConfigError } from '../../errors.js';
import { sha256 } from '../crypto.js';
import { HttpError } from '../http/errors.js';
import { reply, type Reply } from '../http/reply.js';

interface LoadedScript {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

/**
 * The loader URL has no version in it (the host page must not change), so
 * browsers keep it briefly and then revalidate cheaply with the ETag.
 */
const CACHE_CONTROL = 'public, max-age=300';

/**
 * `GET {base}/loader.js` (SPEC §5): the widget's IIFE with a strong ETag (the
 * SHA-256 of the content, computed once) and 304 on a matching If-None-Match.
 * Cross-origin loadable by a classic `<script>` (and under COEP, via CORP)
 * without a wildcard CORS header.
 */
export function createLoaderRoute(source: string | (() => Promise<string>) | undefined) {
  let loaded: Promise<LoadedScript> | undefined;

  function load(): Promise<LoadedScript> {
    if (source === undefined) {
      return Promise.reject(new HttpError(404, 'ERR_NOT_FOUND', 'loader.js is not configured: pass loaderScript to createMessagingHandler.'));
    }
    loaded ??= (async () => {
      const text = typeof source === 'string' ? source : await source();
      // Found at the first request (a 500 that logs this): the function is only called then.
      if (typeof text !== 'string') throw new MessagingConfigError('loaderScript', 'loaderScript must be (or resolve to) a string');
      const body = new TextEncoder().encode(text);
      return { body, etag: `"${encodeBase64url(await sha256(text))}"` };
    })();
    // A failed read is retried on the next request rather than cached forever.
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  }

  return async (request: Request): Promise<Reply> => {
    const script = await load();
    const headers: Record<string, string> = {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': CACHE_CONTROL,
      ETag: script.etag,
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    if (etagMatches(request.headers.get('If-None-Match'), script.etag)) {
      return reply(304, null, { ETag: script.etag, 'Cache-Control': CACHE_CONTROL });
    }
    headers['Content-Length'] = String(script.body.byteLength);
    return reply(200, request.method === 'HEAD' ? null : script.body, headers);
  };
}

/** RFC 9110 §13.1.2: If-None-Match uses the weak comparison; `*` matches any current representation. */
function etagMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
