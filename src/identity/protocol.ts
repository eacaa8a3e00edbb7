/**
 * The wire contract between the widget (`src/client`) and the handler
 * (`src/server`), SPEC §5–§6. Both sides import these types from here and
 * nothing else from each other.
 *
 * All paths are relative to `{base}`, the URL the handler is mounted at (the
 * widget derives it from its own script URL). Every JSON request is
 * `Content-Type: application/json`. The session credential travels only in
 * `Authorization: Bearer <session>` — never in a URL (SPEC §6).
 *
 *   GET    {base}/loader.js            the widget (IIFE), with ETag
 *   GET    {base}/v1/policy            → PolicyResponse (public, no credential; lets the widget
 *                                      know the mode before registering anything)
 *   POST   {base}/v1/identity          RegisterRequest → RegisterResponse
 *                                      (an Authorization header, if any, names the session to
 *                                      renew: same visitor ⇒ same session and conversation)
 *   GET    {base}/v1/conversation      → ConversationResponse            (Authorization)
 *   POST   {base}/v1/messages          SendMessageRequest → SendMessageResponse (Authorization)
 *   GET    {base}/v1/stream            text/event-stream of StreamEvent  (Authorization, Last-Event-ID)
 *   POST   {base}/v1/page              PageChangeRequest → 204           (Authorization)
 *   DELETE {base}/v1/session           logout → 204                      (Authorization)
 *
 *   POST   {base}/v1/typing            → 204 (Authorization; throttled, never stored)
 *   POST   {base}/v1/read              ReadRequest → 204                 (Authorization)
 *   POST   {base}/v1/email             EmailRequest → 204                (Authorization)
 *
 * Every path and event name is in ./wire.ts; `{base}/openapi.json` serves the whole contract.
 *
 * Agent side (its own credential, `Authorization: Bearer <agent token>`, or the integrator's
 * `authenticateAgent`; POSTs from another origin are refused):
 *   GET    {base}/agent/v1/conversations?limit=&cursor=    → AgentConversationsResponse (summaries, newest
 *                                                          first; limit default 50, at most 200)
 *   GET    {base}/agent/v1/conversations/{id}/messages?limit=&before=&after=
 *                                                          → AgentMessagesResponse (one conversation's history)
 *   POST   {base}/agent/v1/conversations/{id}/messages     AgentReplyRequest → SendMessageResponse
 *   POST   {base}/agent/v1/conversations/{id}/close|reopen|assign|read  → AgentConversationResponse
 *   POST   {base}/agent/v1/conversations/{id}/typing       → 204
 *   GET    {base}/agent/v1/me                              → AgentMeResponse
 *   POST   {base}/agent/v1/status                          AgentStatusRequest → 204
 *   POST   {base}/agent/v1/session                         AgentSignInRequest → AgentSignInResponse + the
 *                                                          HttpOnly agent cookie (the inbox); DELETE → 204
 *   GET    {base}/inbox/                                   the inbox page (its own CSP), {base}/inbox/inbox.js
 *   GET    {base}/agent/v1/stream                          text/event-stream of AgentStreamEvent
 *
 * Errors: a 4xx status and `ErrorBody`. 401 + ERR_SESSION_EXPIRED means the
 * session's JWT lapsed: the widget shows the session-expired notice. 429
 * carries `Retry-After` (seconds).
 */
import type { IdentityErrorCode, ProtocolErrorCode } from './errors.js';

export type { ProtocolErrorCode } from './errors.js';
import type { IdentityData, IdentityPolicy, VerifiedIdentity } from './types.js';

export const PROTOCOL_VERSION = 1;

/** Every code that travels in an ErrorBody: the verifier's, passed on unchanged, and the handler's own. */
export type ErrorCode = IdentityErrorCode | ProtocolErrorCode;

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export interface RegisterRequest {
  /** A signed identity (compact JWT). When present, `identity` is ignored with a warning. */
  jwt?: string;
  /** Unsigned identity data. */
  identity?: IdentityData;
  /** The browser's automated uuid: random, ≥ 128 bits, base64url or UUID text. */
  automatedUuid?: string;
}

/**
 * The part of a VerifiedIdentity the visitor's own browser may see (no custom
 * fields or extra values). `expiresAt` is the JWT's `exp` in **milliseconds** (exp × 1000).
 */
export type PublicIdentity = Pick<
  VerifiedIdentity,
  'uuid' | 'uuidSource' | 'signed' | 'kid' | 'expiresAt' | 'fields' | 'warnings'
>;

export interface RegisterResponse {
  /** Opaque, unguessable; send as `Authorization: Bearer …`. Never the JWT. */
  session: string;
  conversationId: string;
  identity: PublicIdentity;
  /** When the session lapses (the JWT's exp), in **milliseconds** since the epoch; absent = no expiry. */
  expiresAt?: number;
  /** The server's clock when it answered, in milliseconds since the epoch (the widget corrects skew). */
  serverTime: number;
  policy?: IdentityPolicy;
}

export type Author = 'visitor' | 'agent' | 'system';

export interface PolicyResponse {
  /** Absent when the verifier does not publish its rules (a custom verifier): register to find out. */
  policy?: IdentityPolicy;
  /** The server's clock, in milliseconds since the epoch. */
  serverTime: number;
  /** Present when the agent API is on (agents configured): whether anyone is available (SPEC §11). */
  presence?: Presence;
  /**
   * The longest message body the server takes, in UTF-16 code units after trimming
   * (`MESSAGE_MAX_LENGTH`): the composer counts against it (SPEC §10 "Nothing typed is lost").
   * Absent from servers older than it: the widget then counts against `MESSAGE_MAX_LENGTH`.
   */
  messageMaxLength: number;
}

/** Who wrote an agent message (SPEC §11): shown to the visitor as text, the avatar only when `https:`. */
export interface AgentIdentity {
  /** The integrator's id of the agent (`agents[].id`, or what `authenticateAgent` returned). */
  id: string;
  name: string;
  avatarUrl?: string;
}

/**
 * What the visitor side learns of the agents (SPEC §11 "Presence"): whether
 * anyone is available and, when configured, the expected reply time. Never
 * who is online.
 */
export interface Presence {
  available: boolean;
  /** The handler's `replyTime` option, e.g. "Usually replies within an hour". */
  replyTime?: string;
}

export interface ChatMessage {
  /** Server id. */
  id: string;
  /** Position in the conversation, 1, 2, 3… Also the SSE event id. */
  seq: number;
  /** The id the widget chose when sending (idempotency key). */
  clientId?: string;
  author: Author;
  /** On agent messages (SPEC §11): who answered. Absent on visitor and system messages. */
  agent?: AgentIdentity;
  /** Plain text. Always rendered as text, never HTML. */
  body: string;
  /** Milliseconds since the epoch (server clock). */
  createdAt: number;
}

export interface ConversationResponse {
  conversationId: string;
  messages: ChatMessage[];
}

export interface SendMessageRequest {
  /** Chosen by the widget, 8–64 chars `[A-Za-z0-9_-]`; a retry with the same id never duplicates. */
  clientId: string;
  body: string;
}

export interface SendMessageResponse {
  message: ChatMessage;
}

export interface PageChangeRequest {
  url?: string;
  title?: string;
}

/**
 * SSE events on `{base}/v1/stream`. `event:` is the type, `data:` the JSON,
 * `id:` the stream position for `message` events: opaque to the widget, which
 * resends the last id it received *on the stream* as `Last-Event-ID` (never a
 * seq learned from a POST answer: a reply that landed while the stream was
 * down would be skipped). The position is `<epoch>.<seq>`: a log that lost
 * its tail (a Redis failover, power loss) gets a new epoch, and a stream
 * resumed from another epoch first receives `reset`. Comment lines (`: ping`)
 * are heartbeats, at least every 25 s.
 */
export type StreamEvent =
  | { type: 'message'; message: ChatMessage }
  /**
   * The conversation log was replaced (new epoch): forget the messages the
   * stream delivered so far (keep the visitor's unsent ones); the whole log
   * follows from its first message.
   */
  | { type: 'reset' }
  | { type: 'session_expired'; code: 'ERR_SESSION_EXPIRED'; message: string }
  | { type: 'session_ended' }
  /** SPEC §11: sent on connect (when the agent API is on) and whenever availability changes. */
  | ({ type: 'presence' } & Presence)
  /** An agent is typing in this conversation (throttled, never stored). */
  | { type: 'typing'; agent: AgentIdentity }
  /** The agents have read the conversation up to `seq` (the widget shows "Seen"); also sent on connect when > 0. */
  | { type: 'read'; seq: number };

/**
 * A conversation as the agent sees it, without its history: the
 * VerifiedIdentity exactly as the community mapping produced it (`uuid` as
 * claimed, or the automated one; `expiresAt` = the JWT's `exp` in **milliseconds**),
 * the visitor's last page, and the seq of the newest message (0 when none).
 * The history is fetched per conversation (SPEC §6 "Bounds": no answer is
 * built from the whole store at once).
 */
export interface AgentConversationSummary extends VerifiedIdentity {
  id: string;
  lastPage?: PageChangeRequest;
  /** Milliseconds since the epoch (server clock). */
  updatedAt: number;
  lastSeq: number;
  /** SPEC §11 conversation state. A visitor's message reopens a closed conversation. */
  status: ConversationStatus;
  /** The id of the agent it is assigned to; absent when unassigned. */
  assignee?: string;
  /** The visitor's e-mail, when they left one (`POST {base}/v1/email`). */
  email?: string;
  /** The newest seq the visitor has read (0: none). */
  visitorReadSeq: number;
  /** The newest seq an agent has read (0: none). */
  agentReadSeq: number;
  /** Visitor messages after `agentReadSeq`. */
  unread: number;
}

export type ConversationStatus = 'open' | 'closed';

/** One page of the agent list; pass `cursor` back as `?cursor=` for the next. Absent on the last page. */
export interface AgentConversationsResponse {
  conversations: AgentConversationSummary[];
  cursor?: string;
}

/**
 * One conversation's messages in seq order: the newest `limit` (default 50,
 * at most 200), or those before `?before=<seq>` (scrolling back), or the
 * oldest after `?after=<seq>` (catching up). `more` says whether the
 * conversation holds more in that direction.
 */
export interface AgentMessagesResponse {
  conversationId: string;
  messages: ChatMessage[];
  more: boolean;
}

export interface AgentReplyRequest {
  body: string;
  clientId?: string;
}

/**
 * SSE events on `{base}/agent/v1/stream`: on connect a `summary` for each of
 * the newest conversations (a page of the agent list), then `message` (one
 * new message with the conversation's summary) and `summary` (identity or
 * page changed, or the stream fell behind: compare `lastSeq` with what you
 * hold and fetch the gap from the messages endpoint).
 */
export type AgentStreamEvent =
  /** `epoch`: the log's epoch (see StreamEvent); when it changes, the view reloads the conversation. */
  | { type: 'message'; conversation: AgentConversationSummary; message: ChatMessage; epoch: string }
  | { type: 'summary'; conversation: AgentConversationSummary }
  /** Someone is typing in a conversation: the visitor, or another agent (`agent`). Throttled, never stored. */
  | { type: 'typing'; conversationId: string; author: 'visitor' | 'agent'; agent?: AgentIdentity }
  /** The ids of the agents available now (online with a stream open), on every change (GET agent/v1/me has them on connect). */
  | { type: 'presence'; available: string[] };

/** `POST {base}/agent/v1/conversations/{id}/assign`: `null` unassigns. */
export interface AssignRequest {
  agentId: string | null;
}

/** `POST {base}/v1/read` and `POST {base}/agent/v1/conversations/{id}/read`: read up to this seq. */
export interface ReadRequest {
  seq: number;
}

/** `POST {base}/v1/email`: where a reply may reach the visitor later (SPEC §10 "Nobody online"). */
export interface EmailRequest {
  email: string;
}

export type AgentStatus = 'online' | 'away';

/** `POST {base}/agent/v1/status`. */
/** `POST {base}/agent/v1/session`: the inbox's sign-in; the answer sets the HttpOnly agent cookie. */
export interface AgentSignInRequest {
  token: string;
}

/** Who signed in (the credential itself is only in the HttpOnly cookie). */
export interface AgentSignInResponse {
  agent: AgentIdentity;
}

export interface AgentStatusRequest {
  status: AgentStatus;
}

/** `GET {base}/agent/v1/me`: who is signed in, their status, and the agents one may assign to. */
export interface AgentMeResponse {
  agent: AgentIdentity;
  status: AgentStatus;
  /** The configured agents (`agents` option), and the signed-in one when `authenticateAgent` signed them in. */
  agents: AgentIdentity[];
  /** The ids of the agents available now (SPEC §11 presence; the agent stream's `presence` events follow it). */
  available: string[];
}

/** The state-changing agent routes answer with the conversation's new summary. */
export interface AgentConversationResponse {
  conversation: AgentConversationSummary;
}

/** Bounds shared by both sides. */
export const MESSAGE_MAX_LENGTH = 4000;
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** 22–64 URL-safe characters: the widget's own 26 (support/ids.ts) and a `crypto.randomUUID()` (36) alike. */
export const AUTOMATED_UUID_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;
