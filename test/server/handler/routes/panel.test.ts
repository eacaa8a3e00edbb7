/**
 * `GET|HEAD {base}/panel.js` (SPEC §10 "Two scripts"): the conversation panel,
 * served as loader.js is (the loader's own serving, passed in), public, or a
 * 404 naming the option when no panel is configured.
 */
import { describe, expect, it } from 'vitest';
import { VISITOR_PATHS } from '../../../../src/identity/index.js';
import { createLoaderRoute } from '../../../../src/server/handler/routes/loader.js';
import { createPanelRoute } from '../../../../src/server/handler/routes/panel.js';
import { call, refusal, routeContext, text } from './route-context.js';

const PANEL_JS = 'window.chatqPanel = 1;';

/** createLoaderRoute, with each source it is given recorded. */
function countedServing(sources: unknown[]): typeof createLoaderRoute {
  return (source) => (sources.push(source), createLoaderRoute(source));
}

describe('createPanelRoute', () => {
  it('is a public route of GET and HEAD (loader.js fetches it from the host page, any origin)', () => {
    const route = createPanelRoute(PANEL_JS, createLoaderRoute);
    expect(Object.keys(route.methods).sort()).toEqual(['GET', 'HEAD']);
    expect(route.public).toBe(true);
    expect(route.agent).toBeUndefined();
  });

  it('serves the source as the loader serves its script: strong ETag, short cache, CORP cross-origin, 304 on revalidation', async () => {
    const { ctx } = routeContext();
    const route = createPanelRoute(PANEL_JS, createLoaderRoute);
    const reply = await route.methods.GET!(ctx, call(ctx, VISITOR_PATHS.panel));
    expect(reply.status).toBe(200);
    expect(text(reply)).toBe(PANEL_JS);
    expect(reply.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300', 'cross-origin-resource-policy': 'cross-origin', etag: expect.stringMatching(/^"[A-Za-z0-9_-]{43}"$/) });
    const revalidated = await route.methods.GET!(ctx, call(ctx, VISITOR_PATHS.panel, { headers: { 'If-None-Match': reply.headers.etag! } }));
    expect([revalidated.status, revalidated.body]).toEqual([304, null]);
    const head = await route.methods.HEAD!(ctx, call(ctx, VISITOR_PATHS.panel, { method: 'HEAD' }));
    expect([head.status, head.body, head.headers.etag]).toEqual([200, null, reply.headers.etag]);
  });

  it('hands the source to the serving once, when the route is made, whether text or a function', async () => {
    const { ctx } = routeContext();
    const sources: unknown[] = [];
    const read = async () => PANEL_JS;
    const route = createPanelRoute(read, countedServing(sources));
    expect(sources).toEqual([read]);
    for (const _ of [1, 2]) expect(text(await route.methods.GET!(ctx, call(ctx, VISITOR_PATHS.panel)))).toBe(PANEL_JS);
    expect(sources).toEqual([read]);
  });

  it('without a panel answers 404 ERR_NOT_FOUND naming panelScript, on GET and HEAD, and makes no serving', async () => {
    const { ctx } = routeContext();
    const sources: unknown[] = [];
    const route = createPanelRoute(undefined, countedServing(sources));
    expect(sources).toEqual([]);
    for (const method of ['GET', 'HEAD']) {
      // Called directly, as its type says: a rejected Promise, never a synchronous throw.
      let answer: Promise<unknown> | undefined;
      expect(() => { answer = route.methods[method]!(ctx, call(ctx, VISITOR_PATHS.panel, { method })); }, method).not.toThrow();
      expect(answer, method).toBeInstanceOf(Promise);
      expect(await refusal(answer!), method).toMatchObject({
        status: 404,
        code: 'ERR_NOT_FOUND',
        message: 'panel.js is not configured: pass panelScript to createMessagingHandler.',
      });
    }
  });
});
