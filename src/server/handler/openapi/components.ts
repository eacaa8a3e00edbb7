/**
 * The schemas of src/identity/protocol.ts, each built against its TypeScript
 * type (schema.ts says how a drift fails the type check).
 */
import {
  PREDEFINED_FIELDS,
  type AgentConversationResponse,
  type AgentConversationsResponse,
  type AgentConversationSummary,
  type AgentIdentity,
  type AgentMeResponse,
  type AgentMessagesResponse,
  type AgentReplyRequest,
  type AgentSignInRequest,
  type AgentSignInResponse,
  type AgentStatusRequest,
  type AgentStreamEvent,
  type AssignRequest,
  type ChatMessage,
  type ConversationResponse,
  type EmailRequest,
  type IdentityPolicy,
  type IdentityWarning,
  type PageChangeRequest,
  type PolicyResponse,
  type Presence,
  type PublicIdentity,
  type ReadRequest,
  type RegisterRequest,
  type RegisterResponse,
  type SendMessageRequest,
  type SendMessageResponse,
  type StreamEvent,
} from '../../../identity/index.js';
import { arrayOf, boolean, constant, enumOf, integer, millis, number, object, oneOf, optional, ref, seq, string, type JsonSchema, type Shape } from './schema.js';

const text = (maxLength?: number): JsonSchema => string(maxLength === undefined ? {} : { maxLength });
const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };
const uuidSource = enumOf(['jwt', 'unsigned', 'automated']);
const status = enumOf(['open', 'closed']);

/** The identity as the visitor's own browser may see it. */
const publicIdentity: Shape<PublicIdentity> = {
  uuid: text(),
  uuidSource,
  signed: boolean,
  kid: optional(text()),
  expiresAt: optional(number({ description: "When the identity lapses: the JWT's exp in milliseconds since the epoch (exp × 1000)." })),
  fields: { type: 'object', properties: Object.fromEntries(PREDEFINED_FIELDS.map((field) => [field, text()])), additionalProperties: false },
  warnings: arrayOf(ref('IdentityWarning')),
};

type Variant<U, K> = Extract<U, { type: K }>;
/** One schema per StreamEvent type: a type added to the union fails here until the document has it. */
const streamEvents: { [K in StreamEvent['type']]: Shape<Variant<StreamEvent, K>> } = {
  message: { type: constant('message'), message: ref('ChatMessage') },
  reset: { type: constant('reset') },
  session_expired: { type: constant('session_expired'), code: constant('ERR_SESSION_EXPIRED'), message: text() },
  session_ended: { type: constant('session_ended') },
  presence: { type: constant('presence'), available: boolean, replyTime: optional(text(200)) },
  typing: { type: constant('typing'), agent: ref('AgentIdentity') },
  read: { type: constant('read'), seq },
};

const agentStreamEvents: { [K in AgentStreamEvent['type']]: Shape<Variant<AgentStreamEvent, K>> } = {
  message: { type: constant('message'), conversation: ref('AgentConversationSummary'), message: ref('ChatMessage'), epoch: string({ pattern: '^[A-Za-z0-9_-]{1,32}$' }) },
  summary: { type: constant('summary'), conversation: ref('AgentConversationSummary') },
  typing: { type: constant('typing'), conversationId: text(), author: enumOf(['visitor', 'agent']), agent: optional(ref('AgentIdentity')) },
  presence: { type: constant('presence'), available: arrayOf(text()) },
};

/** A union of event objects, each named `<prefix><Type>`. */
function events(prefix: string, shapes: Record<string, object>): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [type, shape] of Object.entries(shapes)) out[eventName(prefix, type)] = object(shape as Shape<unknown>);
  out[prefix] = { ...oneOf(...Object.keys(shapes).map((type) => eventName(prefix, type))), description: `One \`data:\` line; its \`event:\` line is the \`type\`.` };
  return out;
}

/** `StreamEvent` + `session_expired` → `StreamEventSessionExpired`. */
const eventName = (prefix: string, type: string): string => `${prefix}${type.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`;

export const SCHEMAS: Record<string, JsonSchema> = {
  ErrorBody: object<{ error: { code: string; message: string } }>({
    error: { type: 'object', properties: { code: string({ pattern: '^ERR_[A-Z0-9_]+$' }), message: text() }, required: ['code', 'message'], additionalProperties: false },
  }),
  IdentityPolicy: object<IdentityPolicy>({ mode: enumOf(['require', 'reject', 'accept']), minTokenLifetime: number(), clockTolerance: number() }),
  Presence: object<Presence>({ available: boolean, replyTime: optional(text(200)) }),
  PolicyResponse: object<PolicyResponse>({ policy: optional(ref('IdentityPolicy')), serverTime: millis, presence: optional(ref('Presence')) }),
  IdentityWarning: object<IdentityWarning>({ code: text(), path: text(), message: text() }),
  PublicIdentity: object<PublicIdentity>(publicIdentity),
  RegisterRequest: object<RegisterRequest>({ jwt: optional(text()), identity: optional({ type: 'object' }), automatedUuid: optional(text()) }),
  RegisterResponse: object<RegisterResponse>({
    session: text(),
    conversationId: text(),
    identity: ref('PublicIdentity'),
    expiresAt: optional(millis),
    serverTime: millis,
    policy: optional(ref('IdentityPolicy')),
  }),
  AgentIdentity: object<AgentIdentity>({ id: text(128), name: text(100), avatarUrl: optional(string({ format: 'uri', maxLength: 2048 })) }),
  ChatMessage: object<ChatMessage>({
    id: text(),
    seq: integer({ minimum: 1 }),
    clientId: optional(string({ pattern: '^[A-Za-z0-9_-]{8,64}$' })),
    author: enumOf(['visitor', 'agent', 'system']),
    agent: optional(ref('AgentIdentity')),
    body: text(),
    createdAt: millis,
  }),
  ConversationResponse: object<ConversationResponse>({ conversationId: text(), messages: arrayOf(ref('ChatMessage')) }),
  SendMessageRequest: object<SendMessageRequest>({ clientId: string({ pattern: '^[A-Za-z0-9_-]{8,64}$' }), body: text() }),
  SendMessageResponse: object<SendMessageResponse>({ message: ref('ChatMessage') }),
  PageChangeRequest: object<PageChangeRequest>({ url: optional(text(2048)), title: optional(text(512)) }),
  ReadRequest: object<ReadRequest>({ seq }),
  EmailRequest: object<EmailRequest>({ email: text(254) }),
  AssignRequest: object<AssignRequest>({ agentId: { type: ['string', 'null'] } }),
  AgentStatusRequest: object<AgentStatusRequest>({ status: enumOf(['online', 'away']) }),
  AgentSignInRequest: object<AgentSignInRequest>({ token: text() }),
  AgentSignInResponse: object<AgentSignInResponse>({ agent: ref('AgentIdentity') }),
  AgentReplyRequest: object<AgentReplyRequest>({ body: text(), clientId: optional(string({ pattern: '^[A-Za-z0-9_-]{8,64}$' })) }),
  AgentConversationSummary: object<AgentConversationSummary>({
    id: text(),
    ...publicIdentity,
    customFields: stringMap,
    extraValues: stringMap,
    lastPage: optional(ref('PageChangeRequest')),
    updatedAt: millis,
    lastSeq: seq,
    status,
    assignee: optional(text(128)),
    email: optional(text(254)),
    visitorReadSeq: seq,
    agentReadSeq: seq,
    unread: integer({ minimum: 0 }),
  }),
  AgentConversationsResponse: object<AgentConversationsResponse>({ conversations: arrayOf(ref('AgentConversationSummary')), cursor: optional(text()) }),
  AgentMessagesResponse: object<AgentMessagesResponse>({ conversationId: text(), messages: arrayOf(ref('ChatMessage')), more: boolean }),
  AgentConversationResponse: object<AgentConversationResponse>({ conversation: ref('AgentConversationSummary') }),
  AgentMeResponse: object<AgentMeResponse>({ agent: ref('AgentIdentity'), status: enumOf(['online', 'away']), agents: arrayOf(ref('AgentIdentity')), available: arrayOf(text()) }),
  ...events('StreamEvent', streamEvents),
  ...events('AgentStreamEvent', agentStreamEvents),
};
