import { isPlainText, type ConversationResponse, type PageChangeRequest } from '../../../identity/index.js';
import type { SessionRecord } from '../../store/index.js';
import type { Call, HandlerContext } from '../context.js';
import { readJsonObject } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { emptyReply, jsonReply, type Reply } from '../http/reply.js';
import { enforceVisitorRates } from '../rate.js';
import { authenticate } from '../sessions.js';
import { postMessage, readClientId, readMessageBody } from './shared/messages.js';

const PAGE_URL_MAX = 2048;
const PAGE_TITLE_MAX = 512;

/** `GET {base}/v1/conversation` → ConversationResponse. */
export async function getConversation(ctx: HandlerContext, { request }: Call): Promise<Reply> {
  const { record } = await authenticate(ctx, request);
  const messages = await ctx.store.listMessages(record.conversationId);
  const body: ConversationResponse = { conversationId: record.conversationId, messages };
  return jsonReply(200, body);
}

/** `POST {base}/v1/messages`: idempotent by clientId (201 new, 200 the same message again). */
export async function sendMessage(ctx: HandlerContext, call: Call): Promise<Reply> {
  const { request } = call;
  const { record } = await authenticate(ctx, request);
  const { limits } = ctx;
  await enforceVisitorRates(ctx, { key: 'messages', words: 'messages' }, writer(record, call), {
    session: limits.messagesPerMinutePerSession,
    conversation: limits.messagesPerMinutePerConversation,
    address: limits.messagesPerMinutePerAddress,
  });
  const input = await readJsonObject(request, ctx.limits.maxBodyBytes);
  const clientId = readClientId(input.clientId, true);
  const body = readMessageBody(input.body);
  return postMessage(ctx, record.conversationId, { author: 'visitor', body, clientId }, conversationGone);
}

/**
 * `POST {base}/v1/page` → 204: the agent sees the visitor's last page. Each
 * change reaches every agent stream as a whole summary (coalesced per
 * conversation, live/hub.ts), so it spends from the same three kinds of
 * budget as a message (issue 16 item 4: 200 sessions of one conversation once
 * sent 12,000 in seconds).
 */
export async function pageChange(ctx: HandlerContext, call: Call): Promise<Reply> {
  const { request } = call;
  const { record } = await authenticate(ctx, request);
  const { limits } = ctx;
  await enforceVisitorRates(ctx, { key: 'page', words: 'page changes' }, writer(record, call), {
    session: limits.pageChangesPerMinutePerSession,
    conversation: limits.pageChangesPerMinutePerConversation,
    address: limits.pageChangesPerMinutePerAddress,
  });
  const input = await readJsonObject(request, ctx.limits.maxBodyBytes);
  const page: PageChangeRequest = {};
  if (input.url !== undefined) page.url = readPageUrl(input.url);
  if (input.title !== undefined) page.title = readText(input.title, 'title', PAGE_TITLE_MAX);
  if (await ctx.store.setLastPage(record.conversationId, page, ctx.now())) ctx.publish({ type: 'conversation', conversationId: record.conversationId });
  return emptyReply(204);
}

/** `DELETE {base}/v1/session` → 204: revokes the session (even a lapsed one) and ends its streams. */
export async function logout(ctx: HandlerContext, { request }: Call): Promise<Reply> {
  const { record } = await authenticate(ctx, request, { allowExpired: true });
  await ctx.store.deleteSession(record.id);
  ctx.publish({ type: 'session_ended', conversationId: record.conversationId, sessionId: record.id });
  return emptyReply(204);
}

function writer(record: SessionRecord, call: Call): { sessionId: string; conversationId: string; address: string } {
  return { sessionId: record.id, conversationId: record.conversationId, address: call.clientAddress() };
}

function conversationGone(): HttpError {
  return new HttpError(401, 'ERR_SESSION_INVALID', 'The conversation of this session no longer exists. Register again.');
}

function readText(value: unknown, name: string, max: number): string {
  if (typeof value !== 'string' || value.length > max || !isPlainText(value, false)) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', `${name} must be plain text of at most ${max} characters.`);
  }
  return value;
}

function readPageUrl(value: unknown): string {
  const text = readText(value, 'url', PAGE_URL_MAX);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'url must be an absolute http(s) URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'url must be an absolute http(s) URL.');
  }
  // Userinfo in a page URL is a credential; the agent has no use for it.
  url.username = '';
  url.password = '';
  return url.href;
}
