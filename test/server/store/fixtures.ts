/** Records for the store's unit tests (test/server/store/*.test.ts and the SQLite engine's). */
import type { ChatMessage } from '../../../src/identity/index.js';
import type { ConversationRecord } from '../../../src/server/store/types.js';
import { identity } from '../engine/contract.js';

/** A conversation record of community `acme`, `extra` over the defaults. */
export function conversation(id: string, updatedAt: number, extra: Partial<ConversationRecord> = {}): ConversationRecord {
  return { id, community: 'acme', key: `signed:${id}`, identity: identity(id), createdAt: 0, updatedAt, lastSeq: 0, epoch: 'e1', ...extra };
}

/** A stored message `seq` by `author`, body `m<seq>`. */
export function message(seq: number, author: ChatMessage['author'] = 'visitor', extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id: `id-${seq}`, seq, author, body: `m${seq}`, createdAt: seq * 1_000, ...extra };
}

/** What `promise` rejects with; fails the test when it resolves. */
export async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** What `run` throws; fails the test when it returns. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
