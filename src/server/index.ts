/**
 * `chatq/server`: the community configuration, the identity verifier and the
 * messaging handler. Runs on any runtime with web-standard APIs; on Node it
 * uses node:crypto for speed when available (see verifier/crypto).
 *
 * The public API is exactly this list (test/package/exports.test.ts counts it). From the shared identity model it
 * takes the error class, its codes, the identity types and the wire protocol
 * types — what an integrator handles — and not its internals (the base64url
 * codec, JWT decoding, field rules, patterns), which may change freely.
 */
// One error family (issue 21 item 3): ChatqError, with IdentityError, MessagingConfigError and EngineError under it.
export { ChatqError, IdentityError, isChatqError, isIdentityError } from '../identity/index.js';
export type { ChatqErrorCode, ConfigProblem, ErrorCode, IdentityErrorCode, ProtocolErrorCode } from '../identity/index.js';
export { PREDEFINED_FIELDS } from '../identity/index.js';
export type {
  IdentityData,
  IdentityPolicy,
  IdentityVerifier,
  IdentityWarning,
  PredefinedField,
  SignedIdentitiesMode,
  UuidSource,
  VerifiedIdentity,
  VerifyInput,
} from '../identity/index.js';
export { MESSAGE_MAX_LENGTH, PROTOCOL_VERSION } from '../identity/index.js';
// SPEC §11: the agent side's wire types and the wire names (paths, event names) of ../identity/wire.ts.
export { AGENT_PATHS, AGENT_STREAM_EVENT_TYPES, agentConversationPath, CONVERSATION_ACTIONS, OPENAPI_PATH, STREAM_EVENT_TYPES, VISITOR_PATHS } from '../identity/index.js';
export type {
  AgentConversationResponse,
  AgentIdentity,
  AgentMeResponse,
  AgentStatus,
  AgentStatusRequest,
  AssignRequest,
  ConversationAction,
  ConversationStatus,
  EmailRequest,
  Presence,
  ReadRequest,
} from '../identity/index.js';
export type {
  AgentConversationSummary,
  AgentConversationsResponse,
  AgentMessagesResponse,
  AgentReplyRequest,
  AgentStreamEvent,
  Author,
  ChatMessage,
  ConversationResponse,
  ErrorBody,
  PageChangeRequest,
  PolicyResponse,
  PublicIdentity,
  RegisterRequest,
  RegisterResponse,
  SendMessageRequest,
  SendMessageResponse,
  StreamEvent,
} from '../identity/index.js';
export * from './verifier/index.js';
// The handler and what configures it; the Node adapter is chatq/node (./node/index.ts), its Reply protocol internal.
export { createMemoryEngine, createMemoryStore, createMessagingHandler, DEFAULT_LIMITS, DEFAULT_MEMORY_STORE_BOUNDS, EngineError, isEngineError, MessagingConfigError } from './handler/index.js';
export type {
  AgentConfig,
  AuthenticateAgent,
  BusEvent,
  ConversationPage,
  ConversationRecord,
  ConversationState,
  ConversationStateChange,
  ConversationStore,
  Engine,
  EngineErrorCode,
  HandlerLimits,
  ListConversationsOptions,
  ListMessagesOptions,
  LiveBus,
  MemoryEngineOptions,
  MemoryStoreOptions,
  MessagingHandler,
  MessagingHandlerOptions,
  NewMessage,
  RateLimiter,
  SessionRecord,
} from './handler/index.js';
// SPEC §12: the events the webhooks send, and the check a receiver may use (or any Standard Webhooks library).
export { WEBHOOK_EVENT_TYPES, verifyWebhook } from './webhooks/index.js';
export type { WebhookEndpointOptions, WebhookEvent, WebhookEventData, WebhookEventType, WebhookVerification } from './webhooks/index.js';
