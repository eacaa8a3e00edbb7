/**
 * The one agent of the soak, talking to nginx like an inbox would:
 *
 * - reads `GET agent/v1/stream` (SSE parsed with the widget's own parser),
 *   reconnecting after a drop; on every (re)connect it pages through the
 *   conversation list, and on every `summary` whose lastSeq is ahead of what
 *   it holds (the stream fell behind) it fetches that conversation's gap
 *   (`?after=` the highest seq it holds), as the protocol says a view must;
 * - replies to conversations it has seen a visitor write in, from WORKERS
 *   concurrent loops, retrying a failed reply with the same clientId (never a
 *   duplicate) up to RETRIES times; every 2xx goes into the ledger.
 *
 * Every loop is bounded in count and time.
 */
import { randomBytes } from 'node:crypto';
import type { AgentConversationsResponse, AgentMessagesResponse, AgentStreamEvent, ChatMessage, SendMessageResponse } from '../../src/identity/index.js';
import { createSseParser } from '../../src/client/transport/sse.js';
import type { Ledger } from './ledger.js';

const WORKERS = 3;
const RETRIES = 8;
const MAX_RECONNECTS = 500;
const MAX_LIST_PAGES = 10;
const MAX_GAP_PAGES = 20;

interface AgentView {
  /** Bodies in the order the stream delivered them (repeats kept: a repeat is a duplicate). */
  stream: string[];
  /** Every message id held (stream or gap fetch). */
  ids: Set<string>;
  /** Bodies only the gap fetch brought. */
  fetched: string[];
  seqs: Set<number>;
  /** Every seq up to this one is held: where a gap fetch starts. */
  contiguous: number;
  /** A gap fetch already looked this far: a hole the store really has is not fetched again and again. */
  lookedThrough: number;
  /** The log's epoch as message events name it; a new one means the view reloads the conversation. */
  epoch?: string;
}

export interface AgentOptions {
  base: string;
  token: string;
  ledger: Ledger;
  replies: number;
  intervalMs: number;
  sendUntil: number;
}

export class Agent {
  readonly views = new Map<string, AgentView>();
  readonly #visitorConversations: string[] = [];
  readonly #options: AgentOptions;
  #stopped = false;
  #controller: AbortController | undefined;
  #sent = 0;
  /** Conversations whose gap is to be fetched, drained by one loop at a time. */
  readonly #gaps = new Map<string, number>();
  #draining = false;
  reconnects = 0;
  readonly counts = { message: 0, summary: 0, gapOk: 0, gapFailed: 0, gapMessages: 0 };
  /** What happened to the stream, for the log: `+12.3s 200`, `+15.0s end`. */
  readonly streamLog: string[] = [];
  readonly #t0 = Date.now();
  #note(what: string): void {
    if (this.streamLog.length < 200) this.streamLog.push(`+${((Date.now() - this.#t0) / 1000).toFixed(1)}s ${what}`);
  }
  failedReplies = 0;

  constructor(options: AgentOptions) {
    this.#options = options;
  }

  #view(id: string): AgentView {
    let view = this.views.get(id);
    if (!view) this.views.set(id, (view = { stream: [], ids: new Set(), fetched: [], seqs: new Set(), contiguous: 0, lookedThrough: 0 }));
    return view;
  }

  #headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.#options.token}` };
  }

  /** Runs the stream in the background, the reply workers until sendUntil; resolves when the workers are done. */
  async run(): Promise<void> {
    void this.#streamLoop();
    await Promise.all(Array.from({ length: WORKERS }, () => this.#replyLoop()));
  }

  stop(): void {
    this.#stopped = true;
    this.#controller?.abort();
  }

  #onMessage(conversationId: string, message: ChatMessage, live: boolean): void {
    const view = this.#view(conversationId);
    if (live) view.stream.push(message.body);
    else if (view.ids.has(message.id)) return;
    else view.fetched.push(message.body);
    view.ids.add(message.id);
    view.seqs.add(message.seq);
    while (view.seqs.has(view.contiguous + 1)) view.contiguous++;
    // A live message beyond a hole (the stream skipped some): fetch the hole, as a view must.
    if (live && view.contiguous < message.seq - 1) this.#behind(conversationId, message.seq);
    if (message.author === 'visitor' && !this.#visitorConversations.includes(conversationId)) this.#visitorConversations.push(conversationId);
  }

  async #streamLoop(): Promise<void> {
    const o = this.#options;
    while (!this.#stopped && this.reconnects < MAX_RECONNECTS) {
      this.#controller = new AbortController();
      try {
        const response = await fetch(`${o.base}/agent/v1/stream`, { headers: { ...this.#headers(), Accept: 'text/event-stream' }, signal: this.#controller.signal });
        this.#note(String(response.status));
        if (response.ok && response.body) {
          let events = 0;
          const parser = createSseParser(({ event, data }) => {
            if (events++ === 0) this.#note(`first ${event}`);
            try {
              const parsed = JSON.parse(data) as AgentStreamEvent;
              if (parsed.type === 'message' || parsed.type === 'summary') this.counts[parsed.type]++;
              if (parsed.type === 'message' && event === 'message') {
                this.#epoch(parsed.conversation.id, (parsed as { epoch?: string }).epoch);
                this.#onMessage(parsed.conversation.id, parsed.message, true);
              }
              else if (parsed.type === 'summary' && event === 'summary') this.#behind(parsed.conversation.id, parsed.conversation.lastSeq);
            } catch {
              // not JSON: skip
            }
          });
          void this.#catchUp();
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          for (;;) {
            const { done, value } = await reader.read();
            if (done || this.#stopped) break;
            parser.push(decoder.decode(value, { stream: true }));
          }
          this.#note(`end after ${events} events`);
        } else await response.body?.cancel();
      } catch (error) {
        this.#note(`error ${(error as Error).message}`);
      }
      if (this.#stopped) break;
      this.reconnects++;
      await pause(500 + Math.random() * 500);
    }
  }

  /** A message event on a new epoch (the log lost its tail): what is held is void, the whole log is fetched again. */
  #epoch(conversationId: string, epoch: string | undefined): void {
    const view = this.#view(conversationId);
    if (epoch === undefined || epoch === view.epoch) return;
    const changed = view.epoch !== undefined;
    view.epoch = epoch;
    if (!changed) return;
    Object.assign(view, { ids: new Set(), seqs: new Set(), contiguous: 0, lookedThrough: 0 });
    this.#gaps.set(conversationId, Number.MAX_SAFE_INTEGER);
    void this.#drainGaps();
  }

  /** A summary: fetch the gap if it names a seq beyond what is held. */
  #behind(conversationId: string, lastSeq: number): void {
    const view = this.#view(conversationId);
    if (lastSeq <= view.contiguous || lastSeq <= view.lookedThrough) return;
    this.#gaps.set(conversationId, Math.max(lastSeq, this.#gaps.get(conversationId) ?? 0));
    void this.#drainGaps();
  }

  async #drainGaps(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      // Bounded: each pass takes one conversation out; a conversation comes back only with a new summary.
      for (let n = 0; n < 10_000 && this.#gaps.size > 0 && !this.#stopped; n++) {
        const [id, lastSeq] = this.#gaps.entries().next().value as [string, number];
        this.#gaps.delete(id);
        if (await this.#fetchGap(id).catch(() => false)) {
          const view = this.#view(id);
          view.lookedThrough = Math.max(view.lookedThrough, Math.min(lastSeq, Math.max(0, ...view.seqs)));
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** After a (re)connect: every conversation's gap, from the list's lastSeq (bounded pages). */
  async #catchUp(): Promise<void> {
    const o = this.#options;
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_LIST_PAGES && !this.#stopped; page++) {
        const query = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await fetch(`${o.base}/agent/v1/conversations?${query}`, { headers: this.#headers() });
        if (!response.ok) return void (await response.body?.cancel());
        const list = (await response.json()) as AgentConversationsResponse;
        for (const summary of list.conversations) {
          this.#behind(summary.id, summary.lastSeq);
        }
        cursor = list.cursor;
        if (!cursor) return;
      }
    } catch {
      // the next reconnect catches up again
    }
  }

  /** Fetches what follows the contiguous part; true once it read to the end. */
  async #fetchGap(conversationId: string): Promise<boolean> {
    let after = this.views.get(conversationId)?.contiguous ?? 0;
    for (let page = 0; page < MAX_GAP_PAGES && !this.#stopped; page++) {
      const response = await fetch(`${this.#options.base}/agent/v1/conversations/${encodeURIComponent(conversationId)}/messages?limit=200&after=${after}`, { headers: this.#headers() });
      if (!response.ok) {
        this.counts.gapFailed++;
        await response.body?.cancel();
        return false;
      }
      this.counts.gapOk++;
      const found = (await response.json()) as AgentMessagesResponse;
      for (const message of found.messages) this.#onMessage(conversationId, message, false);
      this.counts.gapMessages += found.messages.length;
      after = Math.max(after, ...found.messages.map((m) => m.seq));
      if (!found.more || found.messages.length === 0) return true;
    }
    return false;
  }

  async #replyLoop(): Promise<void> {
    const o = this.#options;
    while (!this.#stopped && Date.now() < o.sendUntil && this.#sent < o.replies) {
      await pause(o.intervalMs * WORKERS * (0.5 + Math.random()));
      const conversations = this.#visitorConversations;
      if (conversations.length === 0) continue;
      const conversationId = conversations[Math.floor(Math.random() * conversations.length)]!;
      await this.#reply(conversationId, `a-${++this.#sent}`);
    }
  }

  async #reply(conversationId: string, body: string): Promise<void> {
    const clientId = randomBytes(12).toString('base64url');
    for (let attempt = 1; attempt <= RETRIES && !this.#stopped; attempt++) {
      try {
        const response = await fetch(`${this.#options.base}/agent/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
          method: 'POST',
          headers: { ...this.#headers(), 'Content-Type': 'application/json' },
          body: JSON.stringify({ body, clientId }),
        });
        if (response.ok) {
          const { message } = (await response.json()) as SendMessageResponse;
          this.#options.ledger.ack(conversationId, message);
          return;
        }
        await response.body?.cancel();
        if (response.status < 500 && response.status !== 429) break;
      } catch {
        // no answer: retry with the same clientId
      }
      await pause(1_000);
    }
    this.failedReplies++;
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
