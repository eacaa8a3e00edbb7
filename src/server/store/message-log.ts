import type { Author, ChatMessage } from '../../identity/index.js';

/**
 * One conversation's messages, newest last, keeping at most `max` of them.
 * Seqs never restart: after trimming, `messages[i].seq === firstSeq + i`.
 * Idempotency keys (`author:clientId`) are kept only for the messages kept.
 */
export class MessageLog {
  private messages: ChatMessage[] = [];
  private firstSeq = 1;
  private readonly byClientId = new Map<string, ChatMessage>();
  /** Characters of message text held (the store's global budget). */
  chars = 0;

  constructor(private readonly max: number) {}

  get lastSeq(): number {
    return this.firstSeq + this.messages.length - 1;
  }

  find(author: Author, clientId: string): ChatMessage | undefined {
    return this.byClientId.get(`${author}:${clientId}`);
  }

  /** Appends; returns how many characters were dropped from the front to stay under `max`. */
  push(message: ChatMessage): number {
    this.messages.push(message);
    if (message.clientId !== undefined) this.byClientId.set(`${message.author}:${message.clientId}`, message);
    this.chars += message.body.length;
    if (this.messages.length <= this.max) return 0;
    const dropped = this.messages.splice(0, this.messages.length - this.max);
    this.firstSeq += dropped.length;
    let chars = 0;
    for (const old of dropped) {
      chars += old.body.length;
      if (old.clientId !== undefined) this.byClientId.delete(`${old.author}:${old.clientId}`);
    }
    this.chars -= chars;
    return chars;
  }

  /** Messages with `seq > afterSeq`, oldest first (what is left of them). */
  after(afterSeq: number): ChatMessage[] {
    return this.messages.slice(Math.max(0, Math.floor(afterSeq) + 1 - this.firstSeq));
  }
}
