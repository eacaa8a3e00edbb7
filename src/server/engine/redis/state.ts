import type { ConversationStatus } from '../../../identity/index.js';
import type { ConversationRecord, ConversationState, ConversationStore } from '../../store/types.js';
import { luaScript, type RedisClient } from './client.js';
import type { Guard } from './faults.js';
import type { ConversationKeys } from './keys.js';
import { NOTE_VISITOR_MESSAGE, UPDATE_STATE } from './state-scripts.js';

const updateScript = luaScript(UPDATE_STATE);
const noteScript = luaScript(NOTE_VISITOR_MESSAGE);

type StateMethods = Pick<ConversationStore, 'updateState' | 'noteVisitorMessage'>;

/**
 * The Redis store's SPEC §11 state methods: one script each on the
 * conversation's hash. `keysOf` gives a conversation's keys (undefined for
 * an id that names no community); `read` turns HGETALL's reply into a record.
 */
export function createRedisStateMethods(
  client: RedisClient,
  guard: Guard,
  keysOf: (id: string) => ConversationKeys | undefined,
  read: (reply: unknown) => ConversationRecord | undefined,
): StateMethods {
  return {
    async updateState(conversationId, change) {
      const keys = keysOf(conversationId);
      if (!keys) return undefined;
      const reply = await guard(() => updateScript(client, [keys.record, keys.messages], [JSON.stringify(change)]));
      return reply === null ? undefined : read(reply);
    },
    async noteVisitorMessage(conversationId, seq) {
      const keys = keysOf(conversationId);
      if (!keys) return undefined;
      const reply = await guard(() => noteScript(client, [keys.record], [seq]));
      return reply === null ? undefined : read(reply);
    },
  };
}

/** The state fields of a conversation hash; a record written before they existed reads as the default state. */
export function readState(fields: Record<string, string>): ConversationState {
  return {
    status: fields.status === 'closed' ? 'closed' : ('open' satisfies ConversationStatus),
    ...(fields.assignee === undefined ? {} : { assignee: fields.assignee }),
    ...(fields.email === undefined ? {} : { email: fields.email }),
    visitorReadSeq: Number(fields.vread ?? 0),
    agentReadSeq: Number(fields.aread ?? 0),
    unread: Number(fields.unread ?? 0),
  };
}
