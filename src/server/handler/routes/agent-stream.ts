import type { AgentStreamEvent, ChatMessage } from '../../../identity/index.js';
import type { HandlerContext } from '../context.js';
import { redact } from '../http/redact.js';
import { HttpError } from '../http/errors.js';
import type { AgentUpdateEvent } from '../live/agent-events.js';
import { openSse } from '../live/sse.js';
import { agentSummary, agentView, authenticateAgent } from './agent.js';

/** New messages remembered per conversation while the agent is behind; past it the whole conversation goes out once instead. */
const MAX_PENDING_PER_CONVERSATION = 16;
/** New messages remembered in all while behind; past it every pending conversation collapses to one full resend. */
const MAX_PENDING_MESSAGES = 256;

/** What an agent stream still owes for one conversation. */
interface Pending {
  /** Send the whole conversation (connect, or too much piled up). */
  full: boolean;
  /** New messages to send one by one (empty and not full: a summary). */
  messages: ChatMessage[];
}

/**
 * `GET {base}/agent/v1/stream`: every conversation once on connect
 * (`conversation`, the whole history), then small updates: `message` (the new
 * message and a summary without history) and `summary` (identity or page).
 *
 * Memory stays bounded whatever the agent reads: the stream writes only while
 * little waits unread (SseChannel.room); meanwhile changes pile up per
 * conversation and collapse (past MAX_PENDING_* into one `conversation` resend
 * read from the store when the agent catches up). SseOptions.maxQueuedBytes
 * ends a stream that still overflows; the agent view reconnects.
 */
export async function agentStream(ctx: HandlerContext, request: Request): Promise<Response> {
  await authenticateAgent(ctx, request);
  if (ctx.hub.agentStreams >= ctx.limits.maxAgentStreams) {
    throw new HttpError(429, 'ERR_TOO_MANY_STREAMS', `At most ${ctx.limits.maxAgentStreams} open agent streams.`, { 'Retry-After': '5' });
  }
  const pending = new Map<string, Pending>();
  let pendingMessages = 0;
  let flushing = false;
  let unregister = (): void => {};
  const { response, channel } = openSse({
    signal: request.signal,
    heartbeatMs: ctx.limits.heartbeatMs,
    maxQueuedBytes: ctx.limits.maxStreamQueueBytes,
    onClose: () => unregister(),
  });

  function mark(id: string, change: 'full' | 'summary' | ChatMessage): void {
    let entry = pending.get(id);
    if (!entry) pending.set(id, (entry = { full: false, messages: [] }));
    if (change === 'full' || (typeof change === 'object' && entry.messages.length >= MAX_PENDING_PER_CONVERSATION)) {
      pendingMessages -= entry.messages.length;
      entry.full = true;
      entry.messages = [];
    } else if (typeof change === 'object' && !entry.full) {
      entry.messages.push(change);
      pendingMessages++;
    }
    if (pendingMessages > MAX_PENDING_MESSAGES) {
      for (const other of pending.values()) if (other.messages.length > 0) (other.full = true), (other.messages = []);
      pendingMessages = 0;
    }
    void flush();
  }

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while (pending.size > 0 && !channel.closed) {
        await channel.room();
        if (channel.closed) break;
        const [id, entry] = pending.entries().next().value as [string, Pending];
        pending.delete(id);
        pendingMessages -= entry.messages.length;
        const record = await ctx.store.getConversation(id);
        if (!record || channel.closed) continue;
        if (entry.full) {
          const event: AgentStreamEvent = { type: 'conversation', conversation: await agentView(ctx, record) };
          channel.send(event.type, event);
          continue;
        }
        const conversation = agentSummary(record);
        if (entry.messages.length === 0) sendUpdate({ type: 'summary', conversation });
        for (const message of entry.messages) sendUpdate({ type: 'message', conversation, message });
      }
    } catch (error) {
      ctx.logger.warn(`chatq: agent stream read failed: ${redact(error instanceof Error ? error.message : String(error))}`);
      channel.close();
    } finally {
      flushing = false;
    }
  }

  function sendUpdate(event: AgentUpdateEvent): void {
    channel.send(event.type, event);
  }

  if (!channel.closed) {
    unregister = ctx.hub.addAgent({
      conversationChanged: (id) => mark(id, 'summary'),
      messageAdded: (id, message) => mark(id, message),
      close: () => channel.close(),
    });
    for (const record of await ctx.store.listConversations()) mark(record.id, 'full');
  }
  return response;
}
