/**
 * `GET {base}/openapi.json` (SPEC §11 "The contract"): the document of this
 * API, readable from any origin, its `servers` the path it was asked at, its
 * text built once per mount path (at most 8 kept).
 */
import { describe, expect, it, vi } from 'vitest';
import { OPENAPI_PATH } from '../../../../src/identity/index.js';
import { openApiDocument } from '../../../../src/server/handler/routes/openapi.js';
import { body, call, routeContext } from './route-context.js';

/**
 * The route of a freshly loaded module (its cache empty), with the real
 * document builder counted: each mount path it builds for is pushed to `built`.
 */
async function countedRoute(built: string[]): Promise<typeof openApiDocument> {
  vi.resetModules();
  vi.doMock('../../../../src/server/handler/openapi/document.js', async (importOriginal) => {
    const real = await importOriginal<typeof import('../../../../src/server/handler/openapi/document.js')>();
    return { openApiDocument: (basePath: string) => (built.push(basePath), real.openApiDocument(basePath)) };
  });
  try {
    return (await import('../../../../src/server/handler/routes/openapi.js')).openApiDocument;
  } finally {
    vi.doUnmock('../../../../src/server/handler/openapi/document.js');
    vi.resetModules();
  }
}

describe('openApiDocument', () => {
  it('answers the OpenAPI 3.1 document as JSON that any origin may read and caches may keep for 5 minutes', async () => {
    const { ctx } = routeContext({ basePath: '/chatq' });
    const reply = await openApiDocument(ctx, call(ctx, OPENAPI_PATH));
    expect(reply.status).toBe(200);
    expect(reply.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' });
    const document = body(reply);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toContain(OPENAPI_PATH);
  });

  it('names the path it was asked at, minus its own name, as the server; the root, or a path not ending in its name, as /', async () => {
    const { ctx } = routeContext();
    const servers = async (path: string) => body(await openApiDocument(ctx, { ...call(ctx, ''), url: new URL(`https://chat.test${path}`) })).servers;
    expect(await servers('/chatq/openapi.json')).toEqual([{ url: '/chatq' }]);
    expect(await servers('/api/chat/openapi.json')).toEqual([{ url: '/api/chat' }]);
    expect(await servers('/openapi.json')).toEqual([{ url: '/' }]);
    expect(await servers('/chatq/v1/not-the-document')).toEqual([{ url: '/' }]);
  });

  it('builds the text once per mount path, and keeps at most 8 of them', async () => {
    const built: string[] = [];
    const serve = await countedRoute(built);
    const { ctx } = routeContext();
    const ask = (base: string) => serve(ctx, { ...call(ctx, ''), url: new URL(`https://chat.test${base}${OPENAPI_PATH}`) });
    const first = await ask('/m0');
    expect(body(await ask('/m0'))).toEqual(body(first));
    expect(built).toEqual(['/m0']);
    for (let index = 1; index <= 8; index++) await ask(`/m${index}`);
    // The ninth mount path is answered, its text built anew each time rather than kept; the first eight stay.
    await ask('/m8');
    await ask('/m7');
    expect(built).toEqual(['/m0', '/m1', '/m2', '/m3', '/m4', '/m5', '/m6', '/m7', '/m8', '/m8']);
    expect(body(await ask('/m8')).servers).toEqual([{ url: '/m8' }]);
  });
});
