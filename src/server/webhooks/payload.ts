import type { ChatMessage } from '../../identity/index.js';
import type { ConversationRecord, ConversationStore } from '../store/types.js';
import type { WebhookEventType } from './types.js';

/** The `data` of every event (SPEC §12): where it happened and who the visitor is, as verified. */
export interface WebhookEventData {
  community: string;
  conversationId: string;
  /** The conversation's seq at the event. */
  seq: number;
  identity: {
    uuid: string;
    uuidSource: string;
    signed: boolean;
    kid?: string;
    fields: Record<string, string>;
    customFields: Record<string, string>;
    /** The visitor's e-mail: the signed identity's, else the one they left (SPEC §10 "Nobody online"). */
    email?: string;
  };
  /** `message.created`: the message. */
  message?: ChatMessage;
}

export interface WebhookEvent {
  type: WebhookEventType;
  /** ISO 8601: when the change happened. */
  timestamp: string;
  data: WebhookEventData;
}

/**
 * The event's body, read from the store when it is delivered (the outbox keeps
 * only a pointer). Undefined when what it points at is gone (retention): there
 * is nothing left to tell.
 */
export async function buildEvent(
  store: ConversationStore,
  community: string,
  pointer: { type: WebhookEventType; conversationId: string; seq: number; at: number },
): Promise<WebhookEvent | undefined> {
  const conversation = await store.getConversation(pointer.conversationId);
  if (!conversation) return undefined;
  const data: WebhookEventData = { community, conversationId: conversation.id, seq: pointer.seq, identity: identityOf(conversation) };
  if (pointer.type === 'message.created') {
    const [message] = await store.listMessages(conversation.id, { afterSeq: pointer.seq - 1, limit: 1 });
    if (!message || message.seq !== pointer.seq) return undefined;
    data.message = message;
  }
  return { type: pointer.type, timestamp: new Date(pointer.at).toISOString(), data };
}

function identityOf(conversation: ConversationRecord): WebhookEventData['identity'] {
  const { identity } = conversation;
  // The e-mail a visitor leaves (POST /v1/email) is kept in the conversation's state, not on the record itself.
  const email = identity.fields.email ?? conversation.state?.email;
  return {
    uuid: identity.uuid,
    uuidSource: identity.uuidSource,
    signed: identity.signed,
    ...(identity.kid === undefined ? {} : { kid: identity.kid }),
    fields: { ...identity.fields } as Record<string, string>,
    customFields: { ...identity.customFields },
    ...(email === undefined ? {} : { email }),
  };
}
