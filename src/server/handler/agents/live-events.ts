import { STREAM_EVENTS_PARAM, type StreamEvent } from '../../../identity/index.js';
import type { HandlerContext } from '../context.js';

/**
 * What a visitor stream says right after it opens (SPEC §11), before any
 * change: whether anyone is available (with the agent API on), and how far
 * the agents have read (so "Seen" survives a reload).
 */
export async function openingEvents(ctx: HandlerContext, conversationId: string): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  if (ctx.agents) events.push({ type: 'presence', ...ctx.agents.visitorPresence() });
  const record = await ctx.store.getConversation(conversationId);
  const seq = record?.state?.agentReadSeq ?? 0;
  if (seq > 0) events.push({ type: 'read', seq });
  return events;
}

/**
 * `send`, for the optional events the client asked for in `?events=`
 * (wire.ts STREAM_EVENTS_PARAM) only; any other event passes. An older
 * client, which asked for none, sees the stream exactly as before.
 */
export function optedIn<E extends { type: string }>(url: URL, optional: readonly string[], send: (event: E) => void): (event: E) => void {
  const asked = askedEvents(url, optional);
  return (event) => {
    if (passes(event.type, optional, asked)) send(event);
  };
}

/** The optional events asked for in `?events=`: a few strings, kept by each open stream (no Set, no closure). */
export function askedEvents(url: URL, optional: readonly string[]): readonly string[] {
  const requested = (url.searchParams.get(STREAM_EVENTS_PARAM) ?? '').split(',').slice(0, 20);
  // The list's own strings, not the request's substrings: an open stream then holds no copy of them.
  const asked = optional.filter((type) => requested.includes(type));
  return asked.length === 0 ? NONE : asked;
}

/** Whether an event goes out: any non-optional one, an optional one only when asked. */
export function passes(type: string, optional: readonly string[], asked: readonly string[]): boolean {
  return !optional.includes(type) || asked.includes(type);
}

const NONE: readonly string[] = Object.freeze([]);
