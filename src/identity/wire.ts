/**
 * The wire names of the contract (src/identity/protocol.ts), in one place:
 * every HTTP path relative to `{base}` and every stream event name. The
 * handler's router, the OpenAPI document (`{base}/openapi.json`) and the
 * widget's transport all read them from here, so a rename is one edit and the
 * document cannot name a path the router does not serve (SPEC §11 "The contract").
 * Plain constants, no calls: a bundle that uses none of them (loader.js) keeps none of them.
 */
import type { AgentStreamEvent, StreamEvent } from './protocol.js';

/** The visitor's routes (the widget's). */
export const VISITOR_PATHS = {
  loader: '/loader.js',
  /** The widget's panel (SPEC §10), loaded by loader.js on first open or when the page is idle. */
  panel: '/panel.js',
  policy: '/v1/policy',
  identity: '/v1/identity',
  conversation: '/v1/conversation',
  messages: '/v1/messages',
  stream: '/v1/stream',
  page: '/v1/page',
  session: '/v1/session',
  typing: '/v1/typing',
  read: '/v1/read',
  email: '/v1/email',
} as const;

/** The agent API's routes that name no conversation. */
export const AGENT_PATHS = {
  conversations: '/agent/v1/conversations',
  stream: '/agent/v1/stream',
  /** GET: the signed-in agent, their status and the agents of the list (AgentMeResponse). */
  me: '/agent/v1/me',
  /** POST: the agent's own status, `online` or `away` (AgentStatusRequest). */
  status: '/agent/v1/status',
  /** POST `{ token }`: the inbox's sign-in, answered with the HttpOnly agent cookie; DELETE signs out. */
  session: '/agent/v1/session',
} as const;

/** The agent inbox the handler serves when agents are configured (SPEC §11): its page and its script. */
export const INBOX_PATHS = {
  page: '/inbox/',
  script: '/inbox/inbox.js',
} as const;

/** `POST|GET {base}/agent/v1/conversations/{id}/<action>`: what an agent does to one conversation. */
export const CONVERSATION_ACTIONS = ['messages', 'close', 'reopen', 'assign', 'typing', 'read'] as const;
export type ConversationAction = (typeof CONVERSATION_ACTIONS)[number];

/** The served document of the contract (SPEC §11). */
export const OPENAPI_PATH = '/openapi.json';

/** `{id}` is the placeholder the OpenAPI document uses; `agentConversationPath(id, action)` fills it. */
export const AGENT_CONVERSATION_PATH = '/agent/v1/conversations/{id}' as const;

/** The path of one conversation's action, the id percent-encoded. */
export function agentConversationPath(conversationId: string, action: ConversationAction): string {
  return `${AGENT_PATHS.conversations}/${encodeURIComponent(conversationId)}/${action}`;
}

/** Event names on `{base}/v1/stream` (StreamEvent's `type`, also the SSE `event:` line). */
export const STREAM_EVENT_TYPES = ['message', 'reset', 'session_expired', 'session_ended', 'presence', 'typing', 'read'] as const;

/**
 * The query parameter a stream client names the optional events it handles
 * with, comma-separated (`{base}/v1/stream?events=presence,typing,read`).
 * Only those are sent: a widget or agent view written before them, which may
 * treat an unknown event as the end of its session, never receives one.
 * Unknown names are ignored.
 */
export const STREAM_EVENTS_PARAM = 'events';
/** The visitor stream's optional events (SPEC §11). `message`, `reset` and the session events always come. */
export const OPTIONAL_STREAM_EVENTS = ['presence', 'typing', 'read'] as const;
/** The agent stream's optional events (SPEC §11). `message` and `summary` always come. */
export const OPTIONAL_AGENT_STREAM_EVENTS = ['typing', 'presence'] as const;

/** Event names on `{base}/agent/v1/stream` (AgentStreamEvent's `type`). */
export const AGENT_STREAM_EVENT_TYPES = ['message', 'summary', 'typing', 'presence'] as const;

// The lists above and the unions of protocol.ts name the same events: a type added to one and not the
// other fails the type check here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type StreamEventTypesMatch = Assert<Same<(typeof STREAM_EVENT_TYPES)[number], StreamEvent['type']>>;
export type AgentStreamEventTypesMatch = Assert<Same<(typeof AGENT_STREAM_EVENT_TYPES)[number], AgentStreamEvent['type']>>;
export type ConversationPathMatches = Assert<Same<typeof AGENT_CONVERSATION_PATH, `${(typeof AGENT_PATHS)['conversations']}/{id}`>>;
