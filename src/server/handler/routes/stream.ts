import { OPTIONAL_STREAM_EVENTS, type StreamEvent } from '../../../identity/index.js';
import type { Call, HandlerContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { redact } from '../http/redact.js';
import type { Reply } from '../http/reply.js';
import type { VisitorStream } from '../live/hub.js';
import { openSse, type SseChannel } from '../live/sse.js';
import { authenticate, SESSION_EXPIRED_MESSAGE, sessionExpiry, touch } from '../sessions.js';
import { tooManyStreams } from './shared/streams.js';
import { openingEvents, optedIn } from '../agents/live-events.js';

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

  let lastSent = lastEventId.seq;
  /** The epoch of what this stream delivered; undefined until the first read (a bare seq takes the log's). */
  let epoch = lastEventId.epoch;
  /** Real time (ms) until which the session counts as checked (validForDelivery). */
  let checkedUntil = 0;
  /** The first read checks a bare Last-Event-ID against the conversation (a value past its end replays it whole). */
  let firstRead = true;
  const legacyId = lastEventId.epoch === undefined && lastEventId.seq > 0;
  let pumping = false;
  let again = false;
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  let unregister = (): void => {};

  const { reply, channel } = openSse({
    heartbeatMs: ctx.limits.heartbeatMs,
    maxQueuedBytes: ctx.limits.maxStreamQueueBytes,
    // The session may have been revoked, evicted or have lapsed since the stream opened. And the bus
    // may have dropped a notification (SPEC §8: pub/sub is at most once): read the log again, so a
    // lost event delays a message by one heartbeat at most, never loses it.
    onHeartbeat: () =>
      void stillValid()
        .then(async (valid) => {
          if (!valid) return;
          await touch(ctx, record);
          void pump();
        })
        .catch(() => channel.close()),
    onClose: () => {
      if (expiryTimer !== undefined) clearTimeout(expiryTimer);
      unregister();
    },
  });

  /** Sends whatever the store has after `lastSent`; wakes coalesce while a read is in flight. */
  async function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        // Both in one round trip (pipelined); Promise.all handles both rejections.
        const [conversation, listed] = await Promise.all([
          ctx.store.getConversation(record.conversationId),
          ctx.store.listMessages(record.conversationId, { afterSeq: lastSent }),
        ]);
        let messages = listed;
        if (conversation && conversation.epoch !== (epoch ?? conversation.epoch)) {
          // The log is not the one this stream followed: start over from its first message.
          if (!(await validForDelivery())) return;
          send(channel, { type: 'reset' });
          lastSent = 0;
          messages = await ctx.store.listMessages(record.conversationId, { afterSeq: 0 });
        } else if (firstRead && legacyId && conversation && lastSent > conversation.lastSeq) {
          // A bare seq (a widget from before epochs) carries no epoch to compare: one past the end (another
          // conversation's) would hide every later message. An `<epoch>.<seq>` needs no such guess: within
          // an epoch no seq is reused, and a log that lost its tail takes a new epoch before its next seq.
          lastSent = 0;
          messages = await ctx.store.listMessages(record.conversationId, { afterSeq: 0 });
        }
        firstRead = false;
        if (conversation) epoch = conversation.epoch;
        if (messages.length > 0 && !(await validForDelivery())) return;
        for (const message of messages) {
          // A client that reads slowly makes the pump wait; the messages stay in the store meanwhile.
          await channel.room();
          if (channel.closed || message.seq <= lastSent) continue;
          send(channel, { type: 'message', message }, `${epoch ?? '0'}.${message.seq}`);
          lastSent = message.seq;
        }
      } while (again && !channel.closed);
    } catch (error) {
      ctx.logger.warn(`chatq: stream read failed: ${redact(error instanceof Error ? error.message : String(error))}`);
      channel.close();
    } finally {
      pumping = false;
    }
  }

  function end(reason?: 'session_ended' | 'session_expired'): void {
    if (reason === 'session_expired') send(channel, { type: 'session_expired', code: 'ERR_SESSION_EXPIRED', message: SESSION_EXPIRED_MESSAGE });
    else if (reason === 'session_ended') send(channel, { type: 'session_ended' });
    // No reason: this instance is draining or closing (SPEC §8). A short, jittered hint spreads the
    // reconnects, which the load balancer sends to another instance.
    else channel.retry(500 + Math.random() * 500);
    channel.close();
  }

  /**
   * The session as the store has it now: gone (revoked, evicted) ends the
   * stream with session_ended, lapsed with session_expired. Nothing is
   * delivered to a session that no longer holds.
   */
  /**
   * stillValid() at most once a second while messages flow: a revocation reaches the stream at once
   * through the bus (session_ended), and this read is the backstop for a lost event. Checking on every
   * delivery doubled the Redis round trips per message (bench/engine.mjs).
   */
  async function validForDelivery(): Promise<boolean> {
    const now = Date.now();
    if (now < checkedUntil) return !channel.closed;
    const valid = await stillValid();
    if (valid) checkedUntil = now + RECHECK_MS;
    return valid;
  }

  async function stillValid(): Promise<boolean> {
    if (channel.closed) return false;
    const current = await ctx.store.getSession(record.id);
    if (!current || current.conversationId !== record.conversationId) {
      end('session_ended');
      return false;
    }
    if (ctx.now() >= sessionExpiry(current, ctx)) {
      end('session_expired');
      return false;
    }
    return true;
  }

  /** Closes the stream when the session lapses — unless a renewal moved its expiry meanwhile. */
  function armExpiry(expiresAt: number | undefined): void {
    if (expiresAt === undefined || channel.closed) return;
    const delay = Math.min(Math.max(0, expiresAt - ctx.now()), MAX_TIMER_MS);
    expiryTimer = setTimeout(() => void checkExpiry(), delay);
  }

  async function checkExpiry(): Promise<void> {
    try {
      const current = await ctx.store.getSession(record.id);
      if (!current) return end('session_ended');
      if (ctx.now() >= sessionExpiry(current, ctx)) return end('session_expired');
      armExpiry(current.expiresAt);
    } catch {
      channel.close();
    }
  }

  if (!channel.closed) {
    // SPEC §11: presence, typing and read, for a widget that asked for them (wire.ts STREAM_EVENTS_PARAM).
    const notify = optedIn<StreamEvent>(call.url, OPTIONAL_STREAM_EVENTS, (event) => send(channel, event));
    const stream: VisitorStream = { conversationId: record.conversationId, sessionId: record.id, address, wake: () => void pump(), end, notify };
    unregister = ctx.hub.addVisitor(stream);
    // Whether anyone is available, and how far the agents have read, from the start.
    void openingEvents(ctx, record.conversationId).then((events) => events.forEach(notify), () => {});
    armExpiry(record.expiresAt);
    void pump();
  }
  return reply;
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
