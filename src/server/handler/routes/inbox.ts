import { INBOX_PATHS } from '../../../identity/index.js';
import type { Call, HandlerContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { reply, type Reply } from '../http/reply.js';
import { BUILT_INBOX } from './shared/built-inbox.js';

/**
 * The inbox page's own policy (SPEC §11): its script and its API calls from
 * the chat server alone, no inline script or style, avatars from https only,
 * no framing, no form posting anywhere.
 */
export const INBOX_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src https: data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': INBOX_CSP,
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** `GET {base}/inbox/`: the page that hosts `<chatq-inbox>` (the element does the rest). */
export async function inboxPage(ctx: HandlerContext, call: Call): Promise<Reply> {
  const base = ctx.basePath;
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<title>Inbox · chatq</title>' +
    `<script type="module" src="${escapeAttribute(base + INBOX_PATHS.script)}"></script>` +
    `</head><body><chatq-inbox server="${escapeAttribute(base)}" page></chatq-inbox></body></html>`;
  return reply(200, call.request.method === 'HEAD' ? null : html, PAGE_HEADERS);
}

/** `GET {base}/inbox`: to the page, whose relative URLs need the slash. */
export async function inboxRedirect(ctx: HandlerContext): Promise<Reply> {
  return reply(308, null, { Location: `${ctx.basePath}${INBOX_PATHS.page}` });
}

let script: { body: Uint8Array<ArrayBuffer>; etag: string } | undefined;

/** `GET {base}/inbox/inbox.js`: the built element, revalidated by ETag. */
export async function inboxScript(_ctx: HandlerContext, call: Call): Promise<Reply> {
  if (BUILT_INBOX === undefined) throw new HttpError(404, 'ERR_NOT_FOUND', 'The inbox is not built into this server bundle: run npm run build.');
  script ??= await load(BUILT_INBOX);
  const headers = { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', ETag: script.etag, 'X-Content-Type-Options': 'nosniff' };
  if (call.request.headers.get('If-None-Match') === script.etag) return reply(304, null, headers);
  return reply(200, call.request.method === 'HEAD' ? null : script.body, headers);
}

async function load(text: string): Promise<{ body: Uint8Array<ArrayBuffer>; etag: string }> {
  const body = new TextEncoder().encode(text);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  return { body, etag: `"${Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}"` };
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
