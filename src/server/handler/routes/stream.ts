import { OPTIONAL_STREAM_EVENTS, type ChatMessage, type StreamEvent } from '../../../identity/index.js';
import type { SessionRecord } from '../../store/index.js';
import type { Call, HandlerContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { redact } from '../http/redact.js';
import type { Reply } from '../http/reply.js';
import type { VisitorStream } from '../live/hub.js';
import { openSse, type SseChannel, type SseOptions } from '../live/sse.js';
import { authenticate, SESSION_EXPIRED_MESSAGE, sessionExpiry, touch, type TouchedSession } from '../sessions.js';
import { tooManyStreams } from './shared/streams.js';
import { askedEvents, openingEvents, passes } from '../agents/live-events.js';

/** How long a session check stands for deliveries (validForDelivery). */
const RECHECK_MS = 1000;

/** setTimeout's ceiling (~24.8 days); longer expiries re-arm (SPEC §5 "Timers must survive long lifetimes"). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * `GET {base}/v1/stream`: the conversation as SSE. Every message goes out once
 * with `id: <epoch>.<seq>`; on reconnect the widget sends `Last-Event-ID` and
 * gets exactly the messages after it (none lost, none repeated). Without one
 * the stream starts from the first message. A bare `<seq>` (older widgets)
 * means the current epoch. When the log's epoch is not the one resumed from,
 * or changes while the stream is open (a Redis that lost its tail, issue 16
 * HIGH 6), the stream sends `reset` and then the whole log.
 */
export async function visitorStream(ctx: HandlerContext, call: Call): Promise<Reply> {
  const { request } = call;
  const { record } = await authenticate(ctx, request);
  const lastEventId = readLastEventId(request.headers.get('Last-Event-ID'));
  const address = call.clientAddress();
  // Checked and registered in one synchronous step below, so concurrent opens cannot overshoot the cap.
  if (ctx.hub.streamsOfSession(record.id) >= ctx.limits.maxStreamsPerSession) {
    throw tooManyStreams(ctx.limits.maxStreamsPerSession, 'streams per session', "; close a tab's stream first");
  }
  if (ctx.hub.streamsOfAddress(address) >= ctx.limits.maxStreamsPerAddress) {
    throw tooManyStreams(ctx.limits.maxStreamsPerAddress, 'streams per client address');
  }
  const stream = new OpenStream(ctx, record, address, lastEventId);
  const { reply, channel } = openSse(stream);
  stream.channel = channel;
  if (!channel.closed) {
    // SPEC §11: presence, typing and read, for a widget that asked for them (wire.ts STREAM_EVENTS_PARAM).
    stream.asked = askedEvents(call.url, OPTIONAL_STREAM_EVENTS);
    ctx.hub.addVisitor(stream);
    // Whether anyone is available, and how far the agents have read, from the start.
    void openingEvents(ctx, record.conversationId).then((events) => events.forEach((event) => stream.notify(event)), () => {});
    stream.armExpiry(record.expiresAt);
    void stream.pump();
  }
  return reply;
}

/**
 * One open visitor stream: its position, its session checks and its timers.
 * A class, not closures over the route's scope: every open stream holds one
 * object (it is also the channel's options and the hub's VisitorStream)
 * instead of ten functions and their context (bench/streams.mjs).
 */
class OpenStream implements VisitorStream, SseOptions, TouchedSession {
  readonly conversationId: string;
  readonly sessionId: string;
  /** The session's activity and expiry, for touch() and the checks (the stream is its own TouchedSession: no copy of the record). */
  lastSeenAt: number;
  readonly expiresAt: number | undefined;
  channel!: SseChannel;
  /** The optional events (presence, typing, read) this client asked for. */
  asked: readonly string[] = NONE_ASKED;
  lastSent: number;
  /** The epoch of what this stream delivered; undefined until the first read (a bare seq takes the log's). */
  epoch: string | undefined;
  /** Real time (ms) until which the session counts as checked (validForDelivery). */
  checkedUntil = 0;
  /** The first read checks a bare Last-Event-ID against the conversation (a value past its end replays it whole). */
  firstRead = true;
  /** A bare `<seq>` (a widget from before epochs): no epoch to compare it with. */
  readonly legacyId: boolean;
  pumping = false;
  again = false;
  expiryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly ctx: HandlerContext,
    session: SessionRecord,
    readonly address: string,
    lastEventId: { epoch?: string; seq: number },
  ) {
    // What touch() and the checks need, not the whole record (its community and key stay with the store).
    this.conversationId = session.conversationId;
    this.sessionId = session.id;
    this.lastSeenAt = session.lastSeenAt;
    this.expiresAt = session.expiresAt;
    this.lastSent = lastEventId.seq;
    this.epoch = lastEventId.epoch;
    this.legacyId = lastEventId.epoch === undefined && lastEventId.seq > 0;
  }

  /** TouchedSession's name for the session id. */
  get id(): string {
    return this.sessionId;
  }

  get heartbeatMs(): number {
    return this.ctx.limits.heartbeatMs;
  }

  get maxQueuedBytes(): number {
    return this.ctx.limits.maxStreamQueueBytes;
  }

  /**
   * The session may have been revoked, evicted or have lapsed since the stream opened. And the bus
   * may have dropped a notification (SPEC §8: pub/sub is at most once): read the log again, so a
   * lost event delays a message by one heartbeat at most, never loses it.
   */
  onHeartbeat(): void {
    void this.stillValid()
      .then(async (valid) => {
        if (!valid) return;
        await touch(this.ctx, this);
        void this.pump();
      })
      .catch(() => this.channel.close());
  }

  onClose(): void {
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
    this.ctx.hub.removeVisitor(this);
  }

  wake(): void {
    void this.pump();
  }

  /**
   * The next message of the epoch this stream follows: sent as the bus carried it, without reading
   * the log (one Redis round trip less per delivery, issue 22 "End to end"). Anything else — a gap,
   * another epoch, a read in flight — reads the log as wake() does.
   */
  offer(message: ChatMessage, epoch: string | undefined, frame: () => Uint8Array): void {
    if (!this.pumping && epoch !== undefined && epoch === this.epoch && message.seq === this.lastSent + 1) void this.pump({ message, frame });
    else void this.pump();
  }

  notify(event: StreamEvent): void {
    if (passes(event.type, OPTIONAL_STREAM_EVENTS, this.asked)) send(this.channel, event);
  }

  /**
   * Sends whatever the store has after `lastSent`; wakes coalesce while a read is in flight.
   * `next`: the message right after `lastSent` in this stream's epoch (offer), sent without a read.
   */
  async pump(next?: { message: ChatMessage; frame: () => Uint8Array }): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    const { ctx, conversationId, channel } = this;
    try {
      do {
        this.again = false;
        if (next) {
          const offered = next;
          next = undefined;
          if (!(await this.sendOffered(offered))) return;
          continue;
        }
        // Both in one round trip (pipelined); Promise.all handles both rejections.
        const [conversation, listed] = await Promise.all([
          ctx.store.getConversation(conversationId),
          ctx.store.listMessages(conversationId, { afterSeq: this.lastSent }),
        ]);
        let messages = listed;
        if (conversation && conversation.epoch !== (this.epoch ?? conversation.epoch)) {
          // The log is not the one this stream followed: start over from its first message.
          if (!(await this.validForDelivery())) return;
          send(channel, { type: 'reset' });
          this.lastSent = 0;
          messages = await ctx.store.listMessages(conversationId, { afterSeq: 0 });
        } else if (this.firstRead && this.legacyId && conversation && this.lastSent > conversation.lastSeq) {
          // A bare seq (a widget from before epochs) carries no epoch to compare: one past the end (another
          // conversation's) would hide every later message. An `<epoch>.<seq>` needs no such guess: within
          // an epoch no seq is reused, and a log that lost its tail takes a new epoch before its next seq.
          this.lastSent = 0;
          messages = await ctx.store.listMessages(conversationId, { afterSeq: 0 });
        }
        this.firstRead = false;
        if (conversation) this.epoch = conversation.epoch;
        if (messages.length > 0 && !(await this.validForDelivery())) return;
        for (const message of messages) {
          // A client that reads slowly makes the pump wait; the messages stay in the store meanwhile.
          await channel.room();
          if (channel.closed || message.seq <= this.lastSent) continue;
          send(channel, { type: 'message', message }, `${this.epoch ?? '0'}.${message.seq}`);
          this.lastSent = message.seq;
        }
      } while (this.again && !channel.closed);
    } catch (error) {
      ctx.logger.warn(`chatq: stream read failed: ${redact(error instanceof Error ? error.message : String(error))}`);
      channel.close();
    } finally {
      this.pumping = false;
    }
  }

  /** Sends an offered message (pump's `next`); false when the session no longer holds (the stream ends). */
  async sendOffered({ message, frame }: { message: ChatMessage; frame: () => Uint8Array }): Promise<boolean> {
    if (!(await this.validForDelivery())) return false;
    const { channel } = this;
    await channel.room();
    if (!channel.closed && message.seq === this.lastSent + 1) {
      channel.sendFrame(frame());
      this.lastSent = message.seq;
    } else this.again = true; // Not the next one any more: read the log.
    return true;
  }

  end(reason?: 'session_ended' | 'session_expired'): void {
    const { channel } = this;
    if (reason === 'session_expired') send(channel, { type: 'session_expired', code: 'ERR_SESSION_EXPIRED', message: SESSION_EXPIRED_MESSAGE });
    else if (reason === 'session_ended') send(channel, { type: 'session_ended' });
    // No reason: this instance is draining or closing (SPEC §8). A short, jittered hint spreads the
    // reconnects, which the load balancer sends to another instance.
    else channel.retry(500 + Math.random() * 500);
    channel.close();
  }

  /**
   * stillValid() at most once a second while messages flow: a revocation reaches the stream at once
   * through the bus (session_ended), and this read is the backstop for a lost event. Checking on every
   * delivery doubled the Redis round trips per message (bench/engine.mjs).
   */
  async validForDelivery(): Promise<boolean> {
    const now = Date.now();
    if (now < this.checkedUntil) return !this.channel.closed;
    const valid = await this.stillValid();
    if (valid) this.checkedUntil = now + RECHECK_MS;
    return valid;
  }

  /**
   * The session as the store has it now: gone (revoked, evicted) ends the
   * stream with session_ended, lapsed with session_expired. Nothing is
   * delivered to a session that no longer holds.
   */
  async stillValid(): Promise<boolean> {
    if (this.channel.closed) return false;
    const current = await this.ctx.store.getSession(this.sessionId);
    if (!current || current.conversationId !== this.conversationId) {
      this.end('session_ended');
      return false;
    }
    if (this.ctx.now() >= sessionExpiry(current, this.ctx)) {
      this.end('session_expired');
      return false;
    }
    return true;
  }

  /** Closes the stream when the session lapses — unless a renewal moved its expiry meanwhile. */
  armExpiry(expiresAt: number | undefined): void {
    if (expiresAt === undefined || this.channel.closed) return;
    const delay = Math.min(Math.max(0, expiresAt - this.ctx.now()), MAX_TIMER_MS);
    this.expiryTimer = setTimeout(checkExpiryOf, delay, this);
  }

  async checkExpiry(): Promise<void> {
    try {
      const current = await this.ctx.store.getSession(this.sessionId);
      if (!current) return this.end('session_ended');
      if (this.ctx.now() >= sessionExpiry(current, this.ctx)) return this.end('session_expired');
      this.armExpiry(current.expiresAt);
    } catch {
      this.channel.close();
    }
  }
}

const NONE_ASKED: readonly string[] = Object.freeze([]);

/** The expiry timer's callback: a function of the module, not a closure per stream. */
function checkExpiryOf(stream: OpenStream): void {
  void stream.checkExpiry();
}

function send(channel: SseChannel, event: StreamEvent, id?: string): void {
  channel.send(event.type, event, id);
}

/** `<epoch>.<seq>`, or a bare `<seq>` from an older widget (the current epoch). */
function readLastEventId(header: string | null): { epoch?: string; seq: number } {
  const text = header?.trim() ?? '';
  if (text === '') return { seq: 0 };
  const match = /^(?:([A-Za-z0-9_-]{1,32})\.)?(\d{1,15})$/.exec(text);
  if (!match) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'Last-Event-ID must be the id of the last message received on the stream (<epoch>.<seq>).');
  }
  return { ...(match[1] === undefined ? {} : { epoch: match[1] }), seq: Number(match[2]) };
}
