import { OPTIONAL_AGENT_STREAM_EVENTS, type AgentStreamEvent, type ChatMessage } from '../../../identity/index.js';
import { optedIn } from '../agents/live-events.js';
import type { Call, HandlerContext } from '../context.js';
import { redact } from '../http/redact.js';
import type { Reply } from '../http/reply.js';
import { openSse, sseJsonFrame } from '../live/sse.js';
import { agentSummary, authenticateAgent, DEFAULT_PAGE_SIZE } from './shared/agent.js';
import { tooManyStreams } from './shared/streams.js';

/** New messages remembered per conversation while the agent is behind; past it only a summary goes out (the view fetches the gap). */
const MAX_PENDING_PER_CONVERSATION = 16;
/** New messages remembered in all while behind; past it every pending conversation collapses to a summary. */
const MAX_PENDING_MESSAGES = 256;

/** The newest `message` frame of each message (the hub hands every agent stream the same message object). */
const messageFrames = new WeakMap<ChatMessage, { summary: string; epoch: string; frame: Uint8Array }>();

/**
 * The `message` event `{ type, conversation, message, epoch }` as sseFrame
 * would encode it, `summary` being JSON.stringify(conversation). Every agent
 * stream of the community gets the same message, and most read the same
 * conversation for it: those share one encoding (JSON of the message, UTF-8
 * of the frame, the bytes queued). A stream whose summary differs (it read
 * the conversation after a change) gets its own frame, as exact as before.
 */
function messageFrame(message: ChatMessage, summary: string, epoch: string, shared: boolean): Uint8Array {
  const known = shared ? messageFrames.get(message) : undefined;
  if (known && known.summary === summary && known.epoch === epoch) return known.frame;
  // The members in the order of { type, conversation, message, epoch }: the text JSON.stringify gives that object.
  const json = `{"type":"message","conversation":${summary},"message":${JSON.stringify(message)},"epoch":${JSON.stringify(epoch)}}`;
  const frame = sseJsonFrame('message', json);
  // A lone agent stream has no one to share with: remembering the frame would only cost (~10% of its encoding).
  if (shared) messageFrames.set(message, { summary, epoch, frame });
  return frame;
}

/**
 * `GET {base}/agent/v1/stream`: a `summary` for each of the newest
 * conversations on connect (one page of the agent list, never the whole
 * store), then small updates: `message` (the new message and a summary) and
 * `summary` (identity or page changed, or the stream fell behind).
 *
 * Memory stays bounded whatever the agent reads: the stream writes only while
 * little waits unread (SseChannel.room); meanwhile changes pile up per
 * conversation and collapse into one summary, whose `lastSeq` tells the view
 * which messages to fetch. SseOptions.maxQueuedBytes ends a stream that still
 * overflows; the agent view reconnects.
 */
export async function agentStream(ctx: HandlerContext, call: Call): Promise<Reply> {
  const agent = await authenticateAgent(ctx, call);
  if (ctx.hub.agentStreams >= ctx.limits.maxAgentStreams) {
    throw tooManyStreams(ctx.limits.maxAgentStreams, 'agent streams');
  }
  // The agents' topic first (live/hub.ts): once it is live, the list read after it misses no change.
  const feed = ctx.hub.followAgents();
  let page: Awaited<ReturnType<HandlerContext['store']['listConversations']>>;
  try {
    await feed.ready;
    // Read before the stream opens: an engine that is down answers 503 instead of an empty stream.
    page = await ctx.store.listConversations({ community: ctx.community, limit: DEFAULT_PAGE_SIZE });
  } catch (error) {
    feed();
    throw error;
  }
  /** Conversation id → new messages to send one by one (empty: a summary). */
  const pending = new Map<string, ChatMessage[]>();
  let pendingMessages = 0;
  let flushing = false;
  let presenceLater: AgentStreamEvent | undefined;
  let unregister = (): void => {};
  const { reply, channel } = openSse({
    heartbeatMs: ctx.limits.heartbeatMs,
    maxQueuedBytes: ctx.limits.maxStreamQueueBytes,
    onClose: () => {
      unregister();
      feed();
    },
  });

  function changed(id: string, message?: ChatMessage): void {
    let messages = pending.get(id);
    if (!messages) pending.set(id, (messages = []));
    if (message && messages.length < MAX_PENDING_PER_CONVERSATION && pendingMessages < MAX_PENDING_MESSAGES) {
      messages.push(message);
      pendingMessages++;
    } else if (message) {
      // Too much piled up: the summary's lastSeq tells the view what to fetch.
      pendingMessages -= messages.length;
      messages.length = 0;
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
        const [id, messages] = pending.entries().next().value as [string, ChatMessage[]];
        pending.delete(id);
        pendingMessages -= messages.length;
        const record = await ctx.store.getConversation(id);
        if (!record || record.community !== ctx.community || channel.closed) continue;
        const conversation = agentSummary(record);
        if (messages.length === 0) send({ type: 'summary', conversation });
        else {
          const summary = JSON.stringify(conversation);
          const shared = ctx.hub.agentStreams > 1;
          for (const message of messages) channel.sendFrame(messageFrame(message, summary, record.epoch, shared));
        }
      }
      if (presenceLater && pending.size === 0 && !channel.closed) {
        send(presenceLater);
        presenceLater = undefined;
      }
    } catch (error) {
      ctx.logger.warn(`chatq: agent stream read failed: ${redact(error instanceof Error ? error.message : String(error))}`);
      channel.close();
    } finally {
      flushing = false;
    }
  }

  function send(event: AgentStreamEvent): void {
    channel.send(event.type, event);
  }

  if (!channel.closed) {
    // SPEC §11: available while a stream of theirs is open (and their status is online). Counted before
    // the stream joins the hub: the others hear of the arrival, this stream starts from GET agent/v1/me.
    const leavePresence = ctx.agents!.presence.connect(agent.id);
    const leaveHub = ctx.hub.addAgent({
      conversationChanged: (id) => changed(id),
      messageAdded: (id, message) => changed(id, message),
      // Typing is ephemeral: dropped rather than queued behind a reader that is behind. Presence is
      // state: the newest list goes out once the backlog is written.
      notify: optedIn<AgentStreamEvent>(call.url, OPTIONAL_AGENT_STREAM_EVENTS, (event) => {
        if (pending.size === 0 && !flushing) send(event);
        else if (event.type === 'presence') presenceLater = event;
      }),
      close: () => channel.close(),
    });
    unregister = () => {
      leaveHub();
      leavePresence();
    };
    // Oldest of the page first, so the newest ends up on top of a view that prepends.
    for (const record of page.conversations.reverse()) changed(record.id);
  }
  return reply;
}
