import type { Author, ChatMessage } from '../../identity/index.js';
import type { ListMessagesOptions } from './types.js';

/** What a retry needs to be recognized after its message left the kept history (SPEC §6 "Bounds"). */
interface SentRecord {
  readonly id: string;
  readonly seq: number;
  readonly createdAt: number;
}

/**
 * One conversation's messages, newest last, keeping at most `max` of them.
 * Seqs never restart: after trimming, `messages[i].seq === firstSeq + i`.
 *
 * Idempotency keys (`author:clientId`) outlive the kept history: a message
 * that aged out leaves a compact record behind (id, seq, time — the retry
 * brings its own body), up to `maxKeys` of them, oldest forgotten first.
 */
export class MessageLog {
  private messages: ChatMessage[] = [];
  /**
   * Each kept message's idempotency key (undefined without a clientId), beside it: the same string
   * goes back into `sent` when the message ages out, its hash already made (issue 22: a key made
   * again was a concatenation and a hash on every append to a full log).
   */
  private messageKeys: (string | undefined)[] = [];
  private firstSeq = 1;
  private readonly sent = new Map<string, SentRecord | ChatMessage>();
  /**
   * The keys of `sent` in the order they were added, from `forgetAt` on: the
   * oldest is forgotten first without iterating `sent` from its start, which
   * walks past every entry deleted since V8 last compacted the Map (up to
   * thousands of holes a message in a full log, issue 22 item 1).
   */
  private order: string[] = [];
  private forgetAt = 0;
  /** Characters of message text held. */
  chars = 0;

  constructor(
    private readonly max: number,
    private readonly maxKeys: number,
  ) {}

  get lastSeq(): number {
    return this.firstSeq + this.messages.length - 1;
  }

  get size(): number {
    return this.messages.length;
  }

  /** Idempotency records held (kept messages with a clientId, and those that aged out). */
  get keys(): number {
    return this.sent.size;
  }

  /**
   * The message an earlier send with this clientId made; `body` is what the retry carries when it aged out.
   * `key` is idempotencyKey(author, clientId), made once by a caller that then pushes the same message.
   */
  find(author: Author, clientId: string, body: string, key = idempotencyKey(author, clientId)): ChatMessage | undefined {
    const found = this.sent.get(key);
    if (found === undefined) return undefined;
    if ('body' in found) return found;
    return Object.freeze({ id: found.id, seq: found.seq, clientId, author, body, createdAt: found.createdAt });
  }

  /**
   * Appends; returns how many messages were dropped from the front to stay under `max`, and how many idempotency keys were forgotten.
   * `key` is the message's idempotencyKey when the caller has made it already.
   */
  push(message: ChatMessage, key = message.clientId === undefined ? undefined : idempotencyKey(message.author, message.clientId)): { dropped: number; forgottenKeys: number } {
    this.messages.push(message);
    this.messageKeys.push(key);
    if (key !== undefined) {
      const before = this.sent.size;
      this.sent.set(key, message);
      // A key already held keeps its place in the order, as it does in the Map.
      if (this.sent.size > before) this.order.push(key);
    }
    this.chars += message.body.length;
    let dropped = 0;
    // One at a time from the front (shift, no array of the dropped): a full log drops one per message.
    while (this.messages.length > this.max) {
      const old = this.messages.shift()!;
      const oldKey = this.messageKeys.shift();
      dropped++;
      this.firstSeq++;
      this.chars -= old.body.length;
      if (oldKey !== undefined) this.sent.set(oldKey, { id: old.id, seq: old.seq, createdAt: old.createdAt });
    }
    let forgottenKeys = 0;
    while (this.sent.size > this.maxKeys && this.forgetAt < this.order.length) {
      this.sent.delete(this.order[this.forgetAt++]!);
      forgottenKeys++;
    }
    // The forgotten front is cut off once it is half the array: amortized O(1) a key.
    if (this.forgetAt > 64 && this.forgetAt * 2 > this.order.length) {
      this.order = this.order.slice(this.forgetAt);
      this.forgetAt = 0;
    }
    return { dropped, forgottenKeys };
  }

  /**
   * Kept messages with afterSeq < seq < beforeSeq, in seq order. Past `limit`:
   * the oldest of them when `afterSeq` is given (catching up), else the newest
   * (the latest page of a history, or the page before `beforeSeq`).
   */
  range({ afterSeq, beforeSeq = Infinity, limit = Infinity }: ListMessagesOptions = {}): ChatMessage[] {
    const start = Math.max(0, Math.floor(afterSeq ?? 0) + 1 - this.firstSeq);
    const end = Math.min(this.messages.length, Math.ceil(beforeSeq) - this.firstSeq);
    if (end <= start) return [];
    if (end - start <= limit) return this.messages.slice(start, end);
    return afterSeq !== undefined ? this.messages.slice(start, start + limit) : this.messages.slice(end - limit, end);
  }
}

/** A message's key in `sent`: idempotency is per author (a visitor's clientId never matches an agent's). */
export function idempotencyKey(author: Author, clientId: string): string {
  return `${author}:${clientId}`;
}
