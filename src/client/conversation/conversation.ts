import type { ChatMessage } from '../../identity/index.js';
import type { MessengerMessage } from '../types.js';

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
  /** On agent messages: who answered. */
  agent?: ChatMessage['agent'];
}

/** The event-facing copy of a message (no internal state): a server message or an entry. */
export function publicMessage(entry: Pick<Entry, 'id' | 'clientId' | 'author' | 'body' | 'createdAt'>): MessengerMessage {
  const { id, clientId, author, body, createdAt } = entry;
  return { ...(id !== undefined && { id }), ...(clientId && { clientId }), author, body, createdAt };
}

/**
 * The messages of the current conversation as the panel shows them (panel.js, SPEC §10),
 * deduplicated: a server message may arrive from the send response, the stream, the history
 * and another tab, and a visitor message is matched to its pending copy by clientId. What is
 * news to the visitor (unread, `message_received`) is loader.js's to tell (chat.ts).
 */
export class Conversation {
  /** In the order shown. */
  entries: Entry[] = [];
  #localCount = 0;

  /**
   * Adds or updates a server message; returns the entry and `before`: the key of
   * the entry a new one goes before (none: at the end). A message the stream brings late (a reply that landed while it
   * was down) takes its place by seq, not the end: the conversation reads in the
   * server's order. Pending and local entries have no seq and stay where they are.
   */
  upsert(message: ChatMessage): { entry: Entry; before?: string } {
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
      // Who answered (SPEC §11), shown by the panel.
      ...(message.agent && { agent: message.agent }),
    };
    if (existing) {
      Object.assign(existing, fields);
      return { entry: existing };
    }
    const entry: Entry = { key: message.clientId ?? `s${message.id}`, ...fields };
    const next = this.entries.findIndex((e) => e.seq! > message.seq);
    const before = this.entries[next]?.key;
    this.entries.splice(next < 0 ? this.entries.length : next, 0, entry);
    return { entry, before };
  }

  /** A message the host page added locally (`addMessage`): shown, never sent. */
  addLocal(body: string, author: Entry['author'], createdAt: number): Entry {
    const entry: Entry = { key: `l${++this.#localCount}`, author, body, createdAt, state: 'sent' };
    this.entries.push(entry);
    return entry;
  }

  /**
   * The server forgot the conversation and a new one began (a re-registration in place): what
   * is shown stays, outside the new log (no seq, so the new log's messages follow it).
   */
  orphan(): void {
    for (const entry of this.entries) delete entry.seq;
  }

  /**
   * Forgets messages; returns the removed entries.
   * `keep` says which stay: all go by default, `local` keeps the host page's
   * own (a greeting), `unsent` keeps those and the visitor's messages the
   * server has not acknowledged (the stream's `reset`).
   */
  clear(keep?: 'local' | 'unsent'): Entry[] {
    const removed = this.entries.filter((e) => !keep || e.id !== undefined || (keep === 'local' && e.clientId !== undefined));
    this.entries = this.entries.filter((e) => !removed.includes(e));
    return removed;
  }
}
