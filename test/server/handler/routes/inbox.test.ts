/**
 * The agent inbox the handler serves (SPEC §11): its page under its own strict
 * CSP, the redirect to it, and its built script revalidated by ETag (404 when
 * the server runs from source, as these tests do unless they load the module
 * with the build constant set).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INBOX_PATHS } from '../../../../src/identity/index.js';
import { INBOX_CSP, inboxPage, inboxRedirect, inboxScript } from '../../../../src/server/handler/routes/inbox.js';
import { readWithGlobal } from './built-constant.js';
import { agentContext, call, refusal, text } from './route-context.js';

const INBOX_JS = 'customElements.define("chatq-inbox", class extends HTMLElement {});';

describe('INBOX_CSP', () => {
  it('lets the page run and call only the chat server, with no inline code, no framing and no form posting', () => {
    const directives = Object.fromEntries(INBOX_CSP.split(';').map((part) => part.trim().split(' ')).map(([name, ...values]) => [name, values.join(' ')]));
    expect(directives).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'connect-src': "'self'",
      'style-src': "'self'",
      'img-src': 'https: data:',
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
  });
});

describe('inboxPage', () => {
  it('is the HTML page that loads the element from {base}/inbox/inbox.js and points it at {base}, under the CSP', async () => {
    const { ctx } = agentContext({ basePath: '/chatq' });
    const reply = await inboxPage(ctx, call(ctx, INBOX_PATHS.page));
    expect(reply.status).toBe(200);
    const html = text(reply);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<script type="module" src="/chatq/inbox/inbox.js"></script>');
    expect(html).toContain('<chatq-inbox server="/chatq" page></chatq-inbox>');
    expect(html).not.toMatch(/<script>|style=/);
    expect(reply.headers).toEqual({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': INBOX_CSP,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'cross-origin-opener-policy': 'same-origin',
    });
  });

  it('answers HEAD with the headers and no body', async () => {
    const { ctx } = agentContext();
    const reply = await inboxPage(ctx, call(ctx, INBOX_PATHS.page, { method: 'HEAD' }));
    expect([reply.status, reply.body, reply.headers['content-security-policy']]).toEqual([200, null, INBOX_CSP]);
  });

  it('escapes the base path in the attributes it fills', async () => {
    const { ctx } = agentContext();
    const reply = await inboxPage({ ...ctx, basePath: '/a"b<c&d' }, call(ctx, INBOX_PATHS.page));
    expect(text(reply)).toContain('server="/a&quot;b&lt;c&amp;d"');
    expect(text(reply)).not.toContain('/a"b');
  });
});

describe('inboxRedirect', () => {
  it('sends {base}/inbox to {base}/inbox/ with a 308, so the page’s relative URLs resolve', async () => {
    const { ctx } = agentContext({ basePath: '/chatq' });
    const reply = await inboxRedirect(ctx);
    expect([reply.status, reply.headers.location, reply.body]).toEqual([308, '/chatq/inbox/', null]);
  });
});

describe('inboxScript', () => {
  it('answers 404 naming the build when the server runs from source', async () => {
    const { ctx } = agentContext();
    expect(await refusal(inboxScript(ctx, call(ctx, INBOX_PATHS.script)))).toMatchObject({
      status: 404,
      code: 'ERR_NOT_FOUND',
      message: 'The inbox is not built into this server bundle: run npm run build.',
    });
  });

  it('serves the built element with a strong ETag of its SHA-256, and 304 to a matching If-None-Match, HEAD without a body', async () => {
    const serve = await readWithGlobal('__CHATQ_BUILT_INBOX__', INBOX_JS, async () => (await import('../../../../src/server/handler/routes/inbox.js')).inboxScript);
    const { ctx } = agentContext();
    const etag = `"${createHash('sha256').update(INBOX_JS).digest('hex').slice(0, 32)}"`;
    const reply = await serve(ctx, call(ctx, INBOX_PATHS.script));
    expect(reply.status).toBe(200);
    expect(text(reply)).toBe(INBOX_JS);
    expect(reply.headers).toEqual({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', etag, 'x-content-type-options': 'nosniff' });
    const revalidated = await serve(ctx, call(ctx, INBOX_PATHS.script, { headers: { 'If-None-Match': etag } }));
    expect([revalidated.status, revalidated.body, revalidated.headers.etag]).toEqual([304, null, etag]);
    expect((await serve(ctx, call(ctx, INBOX_PATHS.script, { headers: { 'If-None-Match': '"other"' } }))).status).toBe(200);
    expect((await serve(ctx, call(ctx, INBOX_PATHS.script, { method: 'HEAD' }))).body).toBeNull();
  });
});
