import type { AgentStreamEvent, ChatMessage, StreamEvent } from '../../../identity/index.js';
import type { BusEvent, BusSubscription, LiveBus } from '../../engine/types.js';
import { sseFrame } from './sse.js';
import { addMember, groupSize, members, removeMember, type Group } from './groups.js';
import { KeyedThrottle } from './throttle.js';

/**
 * `conversation` events (identity or page changed) reach agent streams at most
 * this often per conversation (issue 16 item 4): each one costs every agent
 * stream a store read and a whole summary, and a visitor decides how often
 * they come. The last change always goes out (KeyedThrottle).
 */
export const CONVERSATION_EVENT_INTERVAL_MS = 1000;

/** A visitor's open stream, as the hub knows it. */
export interface VisitorStream {
  readonly conversationId: string;
  readonly sessionId: string;
  /** The per-address key (IPv6: its /64) the stream was opened from: the per-address stream cap. */
  readonly address: string;
  /** New messages may be in the store: read and send them. */
  wake(): void;
  /**
   * One new message as the bus carried it, with the log's epoch when the
   * engine told it (BusListener): a stream that has sent everything before it
   * in that epoch may send `frame()` (its SSE event, encoded once for every
   * stream of the conversation) without reading the log; any other reads.
   */
  offer?(message: ChatMessage, epoch: string | undefined, frame: () => Uint8Array): void;
  /**
   * The session was revoked (`session_ended`) or lapsed (`session_expired`):
   * tell the widget, then close. Without a reason (server shutdown) just close:
   * the widget reconnects with Last-Event-ID.
   */
  end(reason?: 'session_ended' | 'session_expired'): void;
  /** An ephemeral event (SPEC §11: presence, typing, read), sent as it is. */
  notify?(event: StreamEvent): void;
}

/** An agent's open stream. */
export interface AgentStream {
  /**
   * Identity or page changed: at most once per conversation per
   * CONVERSATION_EVENT_INTERVAL_MS, so read the conversation when called (the
   * call after a burst is the one that sees its end).
   */
  conversationChanged(conversationId: string): void;
  /** One new message (agents get it alone, not the whole conversation again). */
  messageAdded(conversationId: string, message: ChatMessage): void;
  /** An ephemeral event (SPEC §11: typing, presence), sent as it is. */
  notify?(event: AgentStreamEvent): void;
  close(): void;
}

/**
 * Who is listening right now, in this process: visitor streams by
 * conversation (every tab and device of it gets a reply live) and by session
 * (for the per-session stream cap and logout), and agent streams. The store is
 * the truth; the hub only says "look again" when the engine's bus tells it
 * (SPEC §8).
 *
 * It listens only for what its streams show (issue 22 item 3): a
 * conversation's topic while it holds a visitor stream of it, the agents'
 * topic while an agent stream is open (followAgents). An instance without a
 * stream of a conversation hears nothing of it.
 */
export class LiveHub {
  /** Visitor streams by conversation, session and address (groups.ts: a lone stream is held as it is). */
  private readonly byConversation = new Map<string, Group<VisitorStream>>();
  private readonly bySession = new Map<string, Group<VisitorStream>>();
  private readonly byAddress = new Map<string, Group<VisitorStream>>();
  /** The bus subscription of each conversation with a visitor stream here. */
  private readonly subscriptions = new Map<string, BusSubscription>();
  private readonly agents = new Set<AgentStream>();
  private agentFeed: { subscription: BusSubscription; holders: number } | undefined;
  /** A resync is on its way to every visitor stream (one for all the conversation topics that report it). */
  private resyncing = false;
  /** Coalesces `conversation` events per conversation before they fan out to every agent stream. */
  private readonly conversationChanges = new KeyedThrottle(CONVERSATION_EVENT_INTERVAL_MS, (id) => {
    for (const agent of [...this.agents]) agent.conversationChanged(id);
  });
  /**
   * The one listener of every conversation topic: each event names its
   * conversation, so no closure per conversation is needed.
   */
  private readonly onConversationEvent = (event: BusEvent, epoch?: string): void => this.toVisitors(event, epoch);

  constructor(
    private readonly bus: LiveBus,
    private readonly community: string,
  ) {}

  streamsOfSession(sessionId: string): number {
    return groupSize(this.bySession.get(sessionId));
  }

  streamsOfAddress(address: string): number {
    return groupSize(this.byAddress.get(address));
  }

  get agentStreams(): number {
    return this.agents.size;
  }

  /**
   * Registers a visitor stream (removeVisitor takes it out). The first stream
   * of a conversation subscribes to its topic, the last one to leave
   * unsubscribes. Whatever was published before the subscription was live is
   * in the log: the streams of the conversation read it again once it is
   * (`ready`).
   */
  addVisitor(stream: VisitorStream): void {
    const id = stream.conversationId;
    if (!this.subscriptions.has(id)) this.follow(id);
    addMember(this.byConversation, id, stream);
    addMember(this.bySession, stream.sessionId, stream);
    addMember(this.byAddress, stream.address, stream);
  }

  /** Takes a visitor stream out; a second call for it does nothing. */
  removeVisitor(stream: VisitorStream): void {
    const id = stream.conversationId;
    removeMember(this.byAddress, stream.address, stream);
    removeMember(this.bySession, stream.sessionId, stream);
    if (!removeMember(this.byConversation, id, stream) || this.byConversation.has(id)) return;
    const subscription = this.subscriptions.get(id);
    this.subscriptions.delete(id);
    subscription?.();
  }

  private follow(conversationId: string): void {
    const subscription = this.bus.subscribe(this.community, this.onConversationEvent, { conversationId });
    this.subscriptions.set(conversationId, subscription);
    void subscription.ready.then(() => {
      for (const stream of members(this.byConversation.get(conversationId))) stream.wake();
    });
  }

  /**
   * Holds the agents' topic (every conversation of the community) for an agent
   * stream about to open: its `ready` resolves once events reach this hub, so
   * a list read after it misses nothing. Call the result when the stream ends.
   */
  followAgents(): BusSubscription {
    const feed = (this.agentFeed ??= { subscription: this.bus.subscribe(this.community, (event) => this.toAgents(event), 'agents'), holders: 0 });
    feed.holders++;
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      if (--feed.holders > 0 || this.agentFeed !== feed) return;
      this.agentFeed = undefined;
      feed.subscription();
    };
    return Object.assign(release, { ready: feed.subscription.ready });
  }

  addAgent(stream: AgentStream): () => void {
    this.agents.add(stream);
    return () => this.agents.delete(stream);
  }

  /** An event of a conversation's topic, to its visitor streams. */
  private toVisitors(event: BusEvent, epoch: string | undefined): void {
    if (event.type === 'resync') return this.resyncVisitors();
    if (!('conversationId' in event)) return;
    const streams = members(this.byConversation.get(event.conversationId));
    switch (event.type) {
      case 'message': {
        const frame = epoch === undefined ? undefined : sharedFrame(event.message, epoch);
        for (const stream of streams) {
          if (frame && stream.offer) stream.offer(event.message, epoch, frame);
          else stream.wake();
        }
        break;
      }
      case 'typing':
        if (event.author === 'agent' && event.agent) for (const stream of streams) stream.notify?.({ type: 'typing', agent: event.agent });
        break;
      case 'read':
        if (event.author === 'agent') for (const stream of streams) stream.notify?.({ type: 'read', seq: event.seq });
        break;
      case 'session_ended':
        for (const stream of members(this.bySession.get(event.sessionId))) stream.end('session_ended');
        break;
    }
  }

  /**
   * Events may have been lost: every visitor stream re-reads its log from its
   * last seq. The bus says so once per topic; the streams hear it once.
   */
  private resyncVisitors(): void {
    if (this.resyncing) return;
    this.resyncing = true;
    queueMicrotask(() => {
      this.resyncing = false;
      for (const group of [...this.byConversation.values()]) for (const stream of members(group)) stream.wake();
    });
  }

  /** An event of the agents' topic, to every agent stream. */
  private toAgents(event: BusEvent): void {
    switch (event.type) {
      case 'message':
        for (const agent of [...this.agents]) agent.messageAdded(event.conversationId, event.message);
        break;
      case 'conversation':
        if (this.agents.size > 0) this.conversationChanges.poke(event.conversationId);
        break;
      case 'typing':
        this.notifyAgents({ type: 'typing', conversationId: event.conversationId, author: event.author, ...(event.agent ? { agent: event.agent } : {}) });
        break;
      case 'read':
        for (const agent of [...this.agents]) agent.conversationChanged(event.conversationId);
        break;
      case 'resync':
        // Events may have been lost: agent views reconnect and start from a fresh list.
        for (const agent of [...this.agents]) agent.close();
        break;
    }
  }

  /** An ephemeral event to every visitor stream of this process (presence). */
  notifyVisitors(event: StreamEvent): void {
    for (const group of [...this.bySession.values()]) for (const stream of members(group)) stream.notify?.(event);
  }

  notifyAgents(event: AgentStreamEvent): void {
    for (const agent of [...this.agents]) agent.notify?.(event);
  }

  /** Closes every stream without ending any session (handler.close(), drain). */
  closeAll(): void {
    this.conversationChanges.clear();
    for (const group of [...this.bySession.values()]) for (const stream of members(group)) stream.end();
    for (const agent of [...this.agents]) agent.close();
  }
}

/**
 * A message's SSE event as visitor streams send it (`id: <epoch>.<seq>`,
 * routes/stream.ts), encoded on first use and then shared: JSON and UTF-8
 * once per message, not once per stream.
 */
function sharedFrame(message: ChatMessage, epoch: string): () => Uint8Array {
  let bytes: Uint8Array | undefined;
  return () => (bytes ??= sseFrame('message', { type: 'message', message }, `${epoch}.${message.seq}`));
}
