import type { AgentConversationSummary, AgentIdentity, AgentMeResponse, AgentStreamEvent, ChatMessage } from '../identity/index.js';
import type { ListQuery } from './api.js';

/** How long a typing notice shows after the last one (the sender repeats it while typing). */
export const TYPING_SHOWN_MS = 6_000;

/** One open conversation's history as far as it is loaded. */
export interface Thread {
  messages: ChatMessage[];
  /** The server holds older messages than the first one here. */
  more: boolean;
  loading: boolean;
}

/**
 * What the inbox knows, with no DOM (the element renders it): the signed-in
 * agent, the list as loaded (pages) and kept live by the stream, the open
 * thread, who is typing, who is available. Every change calls `onChange`.
 */
export class InboxModel {
  me: AgentMeResponse | undefined;
  readonly conversations = new Map<string, AgentConversationSummary>();
  /** Ids in list order (newest activity first) for the current query. */
  order: string[] = [];
  /** Continues the list (absent at its end). */
  cursor: string | undefined;
  query: ListQuery = { view: 'open', q: '' };
  selected: string | undefined;
  readonly threads = new Map<string, Thread>();
  /** The newest message body per conversation, for the list's preview (only what the stream or history showed). */
  readonly previews = new Map<string, ChatMessage>();
  /** conversationId → until when someone is shown typing there, and who. */
  readonly typing = new Map<string, { until: number; who: string }>();
  available: string[] = [];
  connected = false;

  constructor(private readonly onChange: () => void) {}

  setMe(me: AgentMeResponse): void {
    this.me = me;
    this.available = me.available;
    this.onChange();
  }

  /** What the stream or an action's answer said while a page was on its way: newer than that page. */
  #newer: Map<string, AgentConversationSummary> | undefined;

  /** A page is asked for: from now on, a conversation the stream or an action changes outranks the page. */
  pageAsked(): void {
    this.#newer = new Map();
  }

  /**
   * A page of the list: the first replaces, the next ones append. The page was
   * read before it arrived, so what changed meanwhile (an assignment, a close,
   * a new message) is placed again over it, never lost until its next event.
   */
  addPage(conversations: AgentConversationSummary[], cursor: string | undefined, first: boolean): void {
    const newer = this.#newer;
    this.#newer = undefined;
    if (first) this.order = [];
    for (const conversation of conversations) {
      if (newer?.has(conversation.id)) continue;
      this.conversations.set(conversation.id, conversation);
      if (!this.order.includes(conversation.id)) this.order.push(conversation.id);
    }
    this.cursor = cursor;
    for (const conversation of newer?.values() ?? []) this.#place(conversation);
    this.onChange();
  }

  /** The stream's view of one conversation: update it, and place it in the list when it matches the query. */
  upsert(conversation: AgentConversationSummary): void {
    this.#newer?.set(conversation.id, conversation);
    this.#place(conversation);
    this.onChange();
  }

  #place(conversation: AgentConversationSummary): void {
    const before = this.conversations.get(conversation.id);
    this.conversations.set(conversation.id, conversation);
    const at = this.order.indexOf(conversation.id);
    // Listed, and no newer activity: it keeps its row. Placed again, it would go after every conversation of the
    // same time, so a summary that changed nothing swapped two rows under the agent's j and k.
    if (at >= 0 && before?.updatedAt === conversation.updatedAt && this.matches(conversation)) return;
    if (at >= 0) this.order.splice(at, 1);
    if (this.matches(conversation)) {
      const index = this.order.findIndex((id) => (this.conversations.get(id)?.updatedAt ?? 0) < conversation.updatedAt);
      this.order.splice(index < 0 ? this.order.length : index, 0, conversation.id);
    }
  }

  apply(event: AgentStreamEvent, now: number): void {
    switch (event.type) {
      case 'summary':
        this.upsert(event.conversation);
        return;
      case 'message':
        this.typing.delete(event.conversation.id);
        this.previews.set(event.conversation.id, event.message);
        this.addMessages(event.conversation.id, [event.message]);
        this.upsert(event.conversation);
        return;
      case 'typing': {
        if (event.author === 'agent' && event.agent?.id === this.me?.agent.id) return;
        const who = event.author === 'visitor' ? 'visitor' : (event.agent?.name ?? 'agent');
        this.typing.set(event.conversationId, { until: now + TYPING_SHOWN_MS, who });
        this.onChange();
        return;
      }
      case 'presence':
        this.available = event.available;
        this.onChange();
        return;
    }
  }

  /** Merges messages into a loaded thread by seq (the stream and a page may overlap). */
  addMessages(conversationId: string, messages: ChatMessage[], older?: { more: boolean }): void {
    const thread = this.threads.get(conversationId);
    if (!thread) return;
    const bySeq = new Map(thread.messages.map((message) => [message.seq, message]));
    for (const message of messages) bySeq.set(message.seq, message);
    thread.messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    if (older) thread.more = older.more;
    const last = thread.messages[thread.messages.length - 1];
    if (last) this.previews.set(conversationId, last);
    this.onChange();
  }

  openThread(conversationId: string): Thread {
    let thread = this.threads.get(conversationId);
    if (!thread) {
      thread = { messages: [], more: false, loading: true };
      this.threads.set(conversationId, thread);
    }
    this.selected = conversationId;
    this.onChange();
    return thread;
  }

  /** Who is typing in a conversation now, if anyone. */
  typingIn(conversationId: string, now: number): string | undefined {
    const typing = this.typing.get(conversationId);
    return typing && typing.until > now ? typing.who : undefined;
  }

  agentName(id: string | undefined): string | undefined {
    return id === undefined ? undefined : (this.me?.agents.find((agent) => agent.id === id)?.name ?? id);
  }

  get agents(): AgentIdentity[] {
    return this.me?.agents ?? [];
  }

  /** The same rule the server applies to `?status=`, `?assignee=me` and `?q=`, for conversations the stream brings in. */
  matches(conversation: AgentConversationSummary): boolean {
    const { view, q } = this.query;
    if (view === 'open' || view === 'closed') {
      if (conversation.status !== view) return false;
    } else if (view === 'mine' && conversation.assignee !== this.me?.agent.id) return false;
    if (!q) return true;
    const needle = q.toLowerCase();
    return [conversation.uuid, conversation.email, ...Object.values(conversation.fields)].some((value) => value?.toLowerCase().includes(needle));
  }
}

/** What the list and the header call a visitor: their name, else their screen name, else the e-mail, else the uuid. */
export function visitorName(conversation: AgentConversationSummary): string {
  const { fields } = conversation;
  const full = [fields.firstname, fields.lastname].filter(Boolean).join(' ');
  return full || fields.screenname || conversation.email || fields.email || conversation.uuid;
}
