import type { ChatMessage } from '../../identity/index.js';

export type EntryState = 'sending' | 'sent' | 'failed';

/** One message on screen. `key` is stable across its life (the clientId for visitor messages). */
export interface Entry {
  key: string;
  id?: string;
  seq?: number;
  clientId?: string;
  author: ChatMessage['author'];
  body: string;
  createdAt: number;
  state: EntryState;
}

/**
 * The messages of the current conversation, deduplicated: a server message
 * may arrive from the send response, the stream and another tab, and a
 * visitor message is matched to its pending copy by clientId.
 */
export class Conversation {
  readonly entries: Entry[] = [];
  /** Highest seq seen: the stream's Last-Event-ID. */
  lastSeq = 0;
  #localCount = 0;

  /** Adds or updates a server message; returns the entry and whether it is new to the screen. */
  upsert(message: ChatMessage): { entry: Entry; added: boolean } {
    if (message.seq > this.lastSeq) this.lastSeq = message.seq;
    const existing = this.entries.find(
      (e) => (e.id !== undefined && e.id === message.id) || (message.clientId && e.clientId === message.clientId),
    );
    const fields = {
      id: message.id,
      seq: message.seq,
      author: message.author,
      body: message.body,
      createdAt: message.createdAt,
      state: 'sent' as const,
      ...(message.clientId && { clientId: message.clientId }),
    };
    if (existing) {
      Object.assign(existing, fields);
      return { entry: existing, added: false };
    }
    const entry: Entry = { key: message.clientId ?? `s${message.id}`, ...fields };
    this.entries.push(entry);
    return { entry, added: true };
  }

  /** A visitor message on its way. */
  addPending(clientId: string, body: string, createdAt: number): Entry {
    const entry: Entry = { key: clientId, clientId, author: 'visitor', body, createdAt, state: 'sending' };
    this.entries.push(entry);
    return entry;
  }

  /** A message the host page added locally (`addMessage`): shown, never sent. */
  addLocal(body: string, author: Entry['author'], createdAt: number): Entry {
    const entry: Entry = { key: `l${++this.#localCount}`, author, body, createdAt, state: 'sent' };
    this.entries.push(entry);
    return entry;
  }

  find(key: string): Entry | undefined {
    return this.entries.find((e) => e.key === key);
  }

  remove(key: string): void {
    const index = this.entries.findIndex((e) => e.key === key);
    if (index >= 0) this.entries.splice(index, 1);
  }

  /** Forgets messages (all, or all but the host page's local ones); returns the removed entries. */
  clear(keepLocal = false): Entry[] {
    const removed = this.entries.filter((e) => !keepLocal || e.id !== undefined || e.clientId !== undefined);
    const kept = this.entries.filter((e) => !removed.includes(e));
    this.entries.splice(0, this.entries.length, ...kept);
    this.lastSeq = 0;
    return removed;
  }
}
