import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { json, makeHandler, req } from '../helpers.js';

const SCRIPT = '(function(){window.__chatqLoaded=true;})();';
const expectedEtag = `"${createHash('sha256').update(SCRIPT).digest('base64url')}"`;

describe('GET {base}/loader.js', () => {
  it('serves the script with a strong content-hash ETag and caching headers', async () => {
    const handler = makeHandler({ loaderScript: SCRIPT, basePath: '/chatq' });
    const response = await handler(req('/chatq/loader.js', { origin: null }));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('ETag')).toBe(expectedEtag);
    expect(response.headers.get('Cache-Control')).toMatch(/max-age=\d+/);
    expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(await response.text()).toBe(SCRIPT);
  });

  it('answers If-None-Match with 304 (exact, weak form, list, *) and 200 otherwise', async () => {
    const handler = makeHandler({ loaderScript: SCRIPT });
    for (const value of [expectedEtag, `W/${expectedEtag}`, `"other", ${expectedEtag}`, '*']) {
      const response = await handler(req('/loader.js', { headers: { 'If-None-Match': value } }));
      expect(response.status, value).toBe(304);
      expect(response.headers.get('ETag')).toBe(expectedEtag);
      expect(await response.text()).toBe('');
    }
    expect((await handler(req('/loader.js', { headers: { 'If-None-Match': '"stale"' } }))).status).toBe(200);
  });

  it('loads from any page (a classic script tag is not CORS), echoing only an allowed origin', async () => {
    const handler = makeHandler({ loaderScript: SCRIPT });
    const other = await handler(req('/loader.js', { origin: 'https://elsewhere.test' }));
    expect(other.status).toBe(200);
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const allowed = await handler(req('/loader.js'));
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.test');
  });

  it('HEAD gives the headers without a body', async () => {
    const handler = makeHandler({ loaderScript: SCRIPT });
    const response = await handler(req('/loader.js', { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(Buffer.byteLength(SCRIPT)));
    expect(await response.text()).toBe('');
  });

  it('reads a function source once, and retries after a failure', async () => {
    const source = vi.fn().mockRejectedValueOnce(new Error('ENOENT dist/loader.js')).mockResolvedValue(SCRIPT);
    const handler = makeHandler({ loaderScript: source });
    const failed = await handler(req('/loader.js'));
    expect(failed.status).toBe(500);
    expect((await json(failed)).error.code).toBe('ERR_INTERNAL');
    for (let i = 0; i < 3; i++) expect(await (await handler(req('/loader.js'))).text()).toBe(SCRIPT);
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('is 404 when no loader is configured', async () => {
    const response = await makeHandler()(req('/loader.js'));
    expect(response.status).toBe(404);
    expect((await json(response)).error.code).toBe('ERR_NOT_FOUND');
  });
});
