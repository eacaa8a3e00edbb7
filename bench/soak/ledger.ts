/**
 * The soak's ledger: every message some client got a 2xx for, with the seq
 * that answer gave, per conversation. At the end it is checked against what
 * each view SHOWS (a widget's messages, in screen order; the agent's stream):
 *
 * - lost:       acknowledged, never shown;
 * - duplicated: shown more than once (each extra showing counts);
 * - reordered:  shown after an acknowledged message with a higher seq, among
 *               the messages the view RECEIVED (a widget: the agent's; the
 *               agent: all): the stream or the screen put them out of order;
 * - placed:     out of seq order only because the sender's own screen put it
 *               there: the widget shows a visitor's message the moment it is
 *               typed (an agent reply stored just before lands below it) and
 *               keeps a failed one in place while it is retried (it gets a
 *               later seq). Reported, not an error.
 *
 * Bodies are unique per logical message (`v12-3`, `a-40`), so a view is a
 * list of bodies and a retry under the same clientId is one message.
 */
import type { ChatMessage } from '../../src/identity/index.js';

export interface Acked {
  conversationId: string;
  seq: number;
  id: string;
  body: string;
  author: ChatMessage['author'];
}

export interface Verdict {
  acked: number;
  lost: number;
  duplicated: number;
  reordered: number;
  placed: number;
  /** Shown but never acknowledged (a 503 whose write was in fact stored): not an error, reported. */
  unacked: number;
  /** A few examples, for the report. */
  examples: string[];
}

export const emptyVerdict = (): Verdict => ({ acked: 0, lost: 0, duplicated: 0, reordered: 0, placed: 0, unacked: 0, examples: [] });

export function addVerdict(into: Verdict, v: Verdict): Verdict {
  into.acked += v.acked;
  into.lost += v.lost;
  into.duplicated += v.duplicated;
  into.reordered += v.reordered;
  into.placed += v.placed;
  into.unacked += v.unacked;
  if (into.examples.length < 6) into.examples.push(...v.examples.slice(0, 6 - into.examples.length));
  return into;
}

export class Ledger {
  /** conversation id → body → what the 2xx said. */
  readonly #byConversation = new Map<string, Map<string, Acked>>();
  /** The same seq acknowledged for two different messages of one conversation. */
  seqReused = 0;

  ack(conversationId: string, message: ChatMessage): void {
    let messages = this.#byConversation.get(conversationId);
    if (!messages) this.#byConversation.set(conversationId, (messages = new Map()));
    if (messages.has(message.body)) return; // the same message acknowledged twice (a retry): one entry
    for (const other of messages.values()) if (other.seq === message.seq) this.seqReused++;
    messages.set(message.body, { conversationId, seq: message.seq, id: message.id, body: message.body, author: message.author });
  }

  conversations(): string[] {
    return [...this.#byConversation.keys()];
  }

  acked(conversationId: string): Acked[] {
    return [...(this.#byConversation.get(conversationId)?.values() ?? [])];
  }

  get size(): number {
    let n = 0;
    for (const m of this.#byConversation.values()) n += m.size;
    return n;
  }

  /**
   * Checks one view of one conversation: `shown` is the bodies in the order the view shows them;
   * `own` is the author whose messages this view placed itself (a widget: 'visitor').
   */
  check(conversationId: string, shown: readonly string[], label: string, own?: ChatMessage['author']): Verdict {
    const acked = this.#byConversation.get(conversationId) ?? new Map<string, Acked>();
    const v = emptyVerdict();
    v.acked = acked.size;
    const seen = new Map<string, number>();
    let highest = 0;
    let highestReceived = 0;
    for (const body of shown) {
      const count = (seen.get(body) ?? 0) + 1;
      seen.set(body, count);
      if (count > 1) {
        v.duplicated++;
        if (v.examples.length < 3) v.examples.push(`${label}: "${body}" shown ${count}×`);
        continue;
      }
      const entry = acked.get(body);
      if (!entry) {
        v.unacked++;
        continue;
      }
      const received = entry.author !== own;
      if (received && entry.seq < highestReceived) {
        v.reordered++;
        if (v.examples.length < 3) v.examples.push(`${label}: "${body}" (seq ${entry.seq}) shown after seq ${highestReceived}`);
      } else if (entry.seq < highest) v.placed++;
      highest = Math.max(highest, entry.seq);
      if (received) highestReceived = Math.max(highestReceived, entry.seq);
    }
    for (const entry of acked.values()) {
      if (seen.has(entry.body)) continue;
      v.lost++;
      if (v.examples.length < 3) v.examples.push(`${label}: "${entry.body}" (seq ${entry.seq}, ${entry.author}) never shown`);
    }
    return v;
  }
}

/** HTTP answers as the clients saw them, by status, and the 503s by their error code. */
export class HttpCounts {
  readonly statuses = new Map<number, number>();
  readonly codes503 = new Map<string, number>();
  /** fetch rejected: no answer at all. */
  networkErrors = 0;

  status(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  code503(code: string): void {
    this.codes503.set(code, (this.codes503.get(code) ?? 0) + 1);
  }
}
