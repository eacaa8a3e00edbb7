/**
 * The visitor's side of the conversation state (SPEC §11), each with the
 * session credential and answering 204: `POST {base}/v1/typing` (throttled,
 * never stored), `POST {base}/v1/read` `{ seq }` and `POST {base}/v1/email`
 * `{ email }`. The agents' streams hear of each through the bus.
 */
import type { Call, HandlerContext } from '../context.js';
import { readJsonObject } from '../http/body.js';
import { emptyReply, type Reply } from '../http/reply.js';
import { enforceRate } from '../rate.js';
import { authenticate } from '../sessions.js';
import { readEmailField, readSeqField } from './shared/state-input.js';

export async function visitorTyping(ctx: HandlerContext, { request }: Call): Promise<Reply> {
  const { record } = await authenticate(ctx, request);
  await enforceRate(ctx, `typing:session:${record.id}`, ctx.limits.typingPerMinutePerSession, 'typing notices');
  ctx.publish({ type: 'typing', conversationId: record.conversationId, author: 'visitor' });
  return emptyReply(204);
}

export async function visitorRead(ctx: HandlerContext, { request }: Call): Promise<Reply> {
  const { record } = await authenticate(ctx, request);
  await enforceRate(ctx, `state:session:${record.id}`, ctx.limits.stateChangesPerMinutePerSession, 'read or e-mail changes');
  const seq = readSeqField(await readJsonObject(request, ctx.limits.maxBodyBytes));
  const updated = await ctx.store.updateState(record.conversationId, { visitorReadSeq: seq });
  if (updated) ctx.publish({ type: 'read', conversationId: record.conversationId, author: 'visitor', seq: updated.state?.visitorReadSeq ?? seq });
  return emptyReply(204);
}

export async function visitorEmail(ctx: HandlerContext, { request }: Call): Promise<Reply> {
  const { record } = await authenticate(ctx, request);
  await enforceRate(ctx, `state:session:${record.id}`, ctx.limits.stateChangesPerMinutePerSession, 'read or e-mail changes');
  const email = readEmailField(await readJsonObject(request, ctx.limits.maxBodyBytes));
  if (await ctx.store.updateState(record.conversationId, { email })) ctx.publish({ type: 'conversation', conversationId: record.conversationId });
  return emptyReply(204);
}
