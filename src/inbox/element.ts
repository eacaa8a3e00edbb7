import type { AgentStatus, AgentStreamEvent } from '../identity/index.js';
import { h } from '../client/ui/dom.js';
import { InboxApi, InboxError, type ListQuery } from './api.js';
import { InboxModel, TYPING_SHOWN_MS, visitorName } from './model.js';
import { Alerts } from './alerts.js';
import { INBOX_CSS } from './styles.js';
import { renderIdentity } from './view/identity.js';
import { renderList } from './view/list.js';
import { renderMessages, type PendingReply } from './view/thread.js';
import { shortcutsHelp, shortcutFor } from './shortcuts.js';

/** Typing notices go out at most this often while the agent types (SPEC §10 "throttled"). */
const TYPING_EVERY_MS = 3_000;
const VIEWS: readonly ListQuery['view'][] = ['open', 'mine', 'closed', 'all'];

/**
 * `<chatq-inbox server="/chatq">`: the agent inbox (SPEC §11) as one custom
 * element, served complete at `{base}/inbox/` and embeddable in an
 * integrator's admin. It signs in with the HttpOnly agent cookie (or the
 * integrator's `authenticateAgent`), so it never holds a credential; every
 * identity field and message is text, never HTML.
 */
export class ChatqInboxElement extends HTMLElement {
  readonly #root = this.attachShadow({ mode: 'open' });
  #api!: InboxApi;
  readonly #model = new InboxModel(() => this.#schedule());
  readonly #alerts = new Alerts();
  readonly #pending = new Map<string, PendingReply[]>();
  #stopStream: (() => void) | undefined;
  #queued = false;
  #typingSentAt = 0;
  readonly #readSent = new Map<string, number>();
  #ui: ReturnType<typeof buildShell> | undefined;

  connectedCallback(): void {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(INBOX_CSS);
    this.#root.adoptedStyleSheets = [sheet];
    if (this.hasAttribute('page')) {
      // The served inbox page (routes/inbox.ts) has no stylesheet of its own under its CSP: the element sizes it.
      const page = new CSSStyleSheet();
      page.replaceSync('html,body{margin:0;height:100%}');
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, page];
    }
    this.#api = new InboxApi((this.getAttribute('server') ?? '').replace(/\/+$/, ''));
    document.addEventListener('visibilitychange', this.#onVisible);
    void this.#start();
  }

  disconnectedCallback(): void {
    this.#stopStream?.();
    document.removeEventListener('visibilitychange', this.#onVisible);
  }

  async #start(): Promise<void> {
    try {
      this.#model.setMe(await this.#api.me());
    } catch (error) {
      this.#showSignIn(error instanceof InboxError && error.status === 401 ? undefined : describe(error));
      return;
    }
    this.#ui = buildShell();
    this.#root.replaceChildren(this.#ui.app);
    this.#wire(this.#ui);
    this.#stopStream = this.#api.stream(this.#onEvent, (connected, error) => {
      const reconnected = connected && !this.#model.connected;
      this.#model.connected = connected;
      if (error?.status === 401) return this.#showSignIn('Your sign-in has ended: sign in again.');
      if (reconnected && this.#model.selected) void this.#loadThread(this.#model.selected, true);
      this.#schedule();
    });
    await this.#loadList(true);
  }

  #showSignIn(message?: string): void {
    this.#stopStream?.();
    this.#ui = undefined;
    const token = h('input', { id: 'token', type: 'password', autocomplete: 'current-password', required: '', minlength: '32' }) as HTMLInputElement;
    const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
    const form = h(
      'form',
      { class: 'signin', 'aria-labelledby': 'signin-title' },
      h('h1', { id: 'signin-title' }, 'Sign in to the inbox'),
      h('label', { for: 'token' }, 'Agent token'),
      token,
      h('button', { class: 'primary', type: 'submit' }, 'Sign in'),
      error,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      error.textContent = '';
      this.#api.signIn(token.value).then(
        () => void this.#start(),
        (failure: unknown) => (error.textContent = describe(failure)),
      );
      token.value = '';
    });
    this.#root.replaceChildren(h('main', {}, form));
    token.focus();
  }

  #wire(ui: ReturnType<typeof buildShell>): void {
    ui.tabs.addEventListener('click', (event) => {
      const view = (event.target as HTMLElement).closest('button')?.dataset.view as ListQuery['view'] | undefined;
      if (view) void this.#setQuery({ view });
    });
    let searchTimer: ReturnType<typeof setTimeout> | undefined;
    ui.search.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => void this.#setQuery({ q: ui.search.value.trim() }), 250);
    });
    ui.list.addEventListener('click', (event) => {
      const id = (event.target as HTMLElement).closest<HTMLElement>('.item')?.dataset.id;
      if (id) void this.#select(id);
    });
    ui.more.addEventListener('click', () => void this.#loadList(false));
    ui.messages.addEventListener('click', (event) => {
      const target = event.target as HTMLElement;
      const id = this.#model.selected;
      if (!id) return;
      if (target.closest('.older')) void this.#loadOlder(id);
      const retry = target.closest<HTMLElement>('.retry')?.dataset.clientId;
      const reply = retry && this.#pending.get(id)?.find((pending) => pending.clientId === retry);
      if (reply) void this.#send(id, reply);
    });
    ui.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      const id = this.#model.selected;
      const body = ui.reply.value.trim();
      if (!id || !body) return;
      ui.reply.value = '';
      void this.#send(id, { clientId: crypto.randomUUID(), body, state: 'sending' });
    });
    ui.reply.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.composer.requestSubmit();
      }
    });
    ui.reply.addEventListener('input', () => {
      const id = this.#model.selected;
      if (!id || Date.now() - this.#typingSentAt < TYPING_EVERY_MS) return;
      this.#typingSentAt = Date.now();
      void this.#api.typing(id).catch(() => undefined);
    });
    ui.assign.addEventListener('change', () => this.#act('assign', { agentId: ui.assign.value || null }));
    ui.toggle.addEventListener('click', () => {
      const conversation = this.#model.selected ? this.#model.conversations.get(this.#model.selected) : undefined;
      if (conversation) this.#act(conversation.status === 'open' ? 'close' : 'reopen');
    });
    ui.status.addEventListener('change', () => {
      this.#api.setStatus(ui.status.value as AgentStatus).then(
        () => this.#model.me && ((this.#model.me.status = ui.status.value as AgentStatus), this.#schedule()),
        (error: unknown) => this.#notice(describe(error)),
      );
    });
    ui.notify.addEventListener('click', () => void this.#alerts.toggleNotifications().then(() => this.#schedule()));
    ui.sound.addEventListener('click', () => (this.#alerts.toggleSound(), this.#schedule()));
    ui.help.addEventListener('click', () => ui.dialog.showModal());
    ui.dialogClose.addEventListener('click', () => ui.dialog.close());
    ui.signOut.addEventListener('click', () => void this.#api.signOut().finally(() => this.#showSignIn('Signed out.')));
    for (const back of ui.backs) back.addEventListener('click', () => this.#pane(ui.app.dataset.pane === 'identity' ? 'thread' : 'list'));
    ui.showIdentity.addEventListener('click', () => this.#pane('identity'));
    ui.app.addEventListener('keydown', (event) => this.#shortcut(event));
  }

  readonly #onEvent = (event: AgentStreamEvent): void => {
    if (event.type === 'message' && event.message.author === 'visitor') {
      const quiet = document.visibilityState === 'visible' && this.#model.selected === event.conversation.id;
      if (!quiet) this.#alerts.newMessage(visitorName(event.conversation), event.message.body, event.conversation.id);
    }
    this.#model.apply(event, Date.now());
    if (event.type === 'typing') setTimeout(() => this.#schedule(), TYPING_SHOWN_MS + 50);
    if (event.type === 'message' && event.conversation.id === this.#model.selected) this.#markRead();
  };

  readonly #onVisible = (): void => this.#markRead();

  async #setQuery(change: Partial<ListQuery>): Promise<void> {
    this.#model.query = { ...this.#model.query, ...change };
    delete this.#model.query.cursor;
    await this.#loadList(true);
  }

  async #loadList(first: boolean): Promise<void> {
    const query = { ...this.#model.query, ...(first || !this.#model.cursor ? {} : { cursor: this.#model.cursor }) };
    try {
      this.#model.pageAsked();
      const page = await this.#api.list(query);
      // A newer query was asked meanwhile: its answer wins.
      if (query.view !== this.#model.query.view || query.q !== this.#model.query.q) return;
      this.#model.addPage(page.conversations, page.cursor, first);
    } catch (error) {
      this.#notice(describe(error));
    }
  }

  async #select(id: string): Promise<void> {
    const thread = this.#model.openThread(id);
    this.#pane('thread');
    this.#ui?.reply.focus({ preventScroll: true });
    if (thread.loading) await this.#loadThread(id, false);
    this.#markRead();
  }

  /** The newest page of a conversation (on open, and after a reconnect to fill what the stream missed). */
  async #loadThread(id: string, refresh: boolean): Promise<void> {
    const thread = this.#model.threads.get(id);
    if (!thread) return;
    try {
      const page = await this.#api.messages(id);
      thread.loading = false;
      this.#model.addMessages(id, page.messages, refresh && thread.messages.length > page.messages.length ? undefined : { more: page.more });
      this.#stickToBottom = true;
    } catch (error) {
      thread.loading = false;
      this.#notice(describe(error));
    }
  }

  async #loadOlder(id: string): Promise<void> {
    const thread = this.#model.threads.get(id);
    const first = thread?.messages[0];
    if (!thread || !first || thread.loading) return;
    thread.loading = true;
    this.#schedule();
    try {
      const page = await this.#api.messages(id, first.seq);
      thread.loading = false;
      this.#keepScroll = true;
      this.#model.addMessages(id, page.messages, { more: page.more });
    } catch (error) {
      thread.loading = false;
      this.#notice(describe(error));
    }
  }

  /**
   * Sends a reply, retrying with the same clientId when the outcome is unknown
   * (a network error, ERR_OUTCOME_UNKNOWN, a 503): the server never stores it
   * twice (SPEC §6 idempotency).
   */
  async #send(id: string, reply: PendingReply): Promise<void> {
    const list = this.#pending.get(id) ?? [];
    if (!list.includes(reply)) list.push(reply);
    this.#pending.set(id, list);
    reply.state = 'sending';
    this.#stickToBottom = true;
    this.#schedule();
    for (let attempt = 0; ; attempt++) {
      try {
        const { message } = await this.#api.reply(id, reply.body, reply.clientId);
        list.splice(list.indexOf(reply), 1);
        this.#model.addMessages(id, [message]);
        return;
      } catch (error) {
        const unknown = !(error instanceof InboxError) || error.code === 'ERR_OUTCOME_UNKNOWN' || error.status >= 500;
        if (unknown && attempt < 3) {
          await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
          continue;
        }
        reply.state = 'failed';
        reply.error = `Not sent: ${describe(error)}`;
        this.#schedule();
        return;
      }
    }
  }

  #act(action: 'close' | 'reopen' | 'assign', body: object = {}): void {
    const id = this.#model.selected;
    if (!id) return;
    this.#api.act(id, action, body).then(
      ({ conversation }) => this.#model.upsert(conversation),
      (error: unknown) => this.#notice(describe(error)),
    );
  }

  /** Tells the server what the agent has read, once the thread is on screen. */
  #markRead(): void {
    const id = this.#model.selected;
    const conversation = id ? this.#model.conversations.get(id) : undefined;
    const last = id ? this.#model.threads.get(id)?.messages.at(-1) : undefined;
    if (!id || !conversation || !last || document.visibilityState !== 'visible') return;
    if (last.seq <= conversation.agentReadSeq || last.seq <= (this.#readSent.get(id) ?? 0)) return;
    this.#readSent.set(id, last.seq);
    this.#api.act(id, 'read', { seq: last.seq }).then(({ conversation: updated }) => this.#model.upsert(updated), () => this.#readSent.delete(id));
  }

  #shortcut(event: KeyboardEvent): void {
    const action = shortcutFor(event);
    const ui = this.#ui;
    if (!action || !ui) return;
    event.preventDefault();
    const order = this.#model.order;
    const at = this.#model.selected ? order.indexOf(this.#model.selected) : -1;
    if (action === 'next' || action === 'previous') {
      const id = order[Math.max(0, Math.min(order.length - 1, at + (action === 'next' ? 1 : -1)))];
      if (id) void this.#select(id);
    } else if (action === 'search') ui.search.focus();
    else if (action === 'reply') ui.reply.focus();
    else if (action === 'toggle') ui.toggle.click();
    else if (action === 'help') ui.dialog.showModal();
    else if (action === 'back') this.#pane('list');
  }

  #pane(pane: 'list' | 'thread' | 'identity'): void {
    if (!this.#ui) return;
    this.#ui.app.dataset.pane = pane;
  }

  #notice(text: string): void {
    if (this.#ui) this.#ui.notice.textContent = text;
  }

  #stickToBottom = false;
  #keepScroll = false;

  #schedule(): void {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#render();
    });
  }

  #render(): void {
    const ui = this.#ui;
    const model = this.#model;
    if (!ui || !model.me) return;
    const now = Date.now();
    ui.conn.textContent = model.connected ? '' : 'Reconnecting… new messages will appear when the connection is back.';
    ui.status.value = model.me.status;
    ui.notify.setAttribute('aria-pressed', String(this.#alerts.notifications));
    ui.sound.setAttribute('aria-pressed', String(this.#alerts.sound));
    for (const tab of ui.tabs.querySelectorAll('button')) tab.setAttribute('aria-pressed', String(tab.dataset.view === model.query.view));
    const listTop = ui.list.scrollTop;
    renderList(model, now, ui.list);
    ui.list.scrollTop = listTop;
    ui.more.hidden = model.cursor === undefined;

    const conversation = model.selected ? model.conversations.get(model.selected) : undefined;
    const thread = model.selected ? model.threads.get(model.selected) : undefined;
    ui.threadPane.hidden = false;
    ui.title.textContent = conversation ? visitorName(conversation) : 'No conversation selected';
    for (const control of [ui.assign, ui.toggle, ui.reply, ui.send, ui.showIdentity]) (control as HTMLButtonElement).disabled = !conversation;
    if (conversation && thread) {
      ui.toggle.textContent = conversation.status === 'open' ? 'Close' : 'Reopen';
      ui.assign.replaceChildren(
        h('option', { value: '' }, 'Unassigned'),
        ...model.agents.map((agent) => h('option', { value: agent.id }, `${agent.name}${model.available.includes(agent.id) ? '' : ' (away)'}`)),
      );
      ui.assign.value = conversation.assignee ?? '';
      const box = ui.messages;
      const atBottom = this.#stickToBottom || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
      const fromBottom = box.scrollHeight - box.scrollTop;
      box.replaceChildren(...renderMessages(conversation, thread, this.#visiblePending(conversation.id, thread), now));
      if (this.#keepScroll) box.scrollTop = box.scrollHeight - fromBottom;
      else if (atBottom) box.scrollTop = box.scrollHeight;
      this.#keepScroll = this.#stickToBottom = false;
      const typing = model.typingIn(conversation.id, now);
      ui.typing.textContent = typing ? `${typing === 'visitor' ? 'The visitor' : typing} is typing…` : '';
    } else {
      ui.messages.replaceChildren(h('p', { class: 'empty' }, 'Pick a conversation from the list.'));
      ui.typing.textContent = '';
    }
    ui.identity.replaceChildren(...renderIdentity(conversation));
  }

  /** Pending replies the stream or the answer has not delivered yet. */
  #visiblePending(id: string, thread: { messages: { clientId?: string }[] }): PendingReply[] {
    const delivered = new Set(thread.messages.map((message) => message.clientId));
    return (this.#pending.get(id) ?? []).filter((reply) => !delivered.has(reply.clientId));
  }
}

function buildShell() {
  const button = (label: string, attributes: Record<string, string> = {}): HTMLButtonElement => h('button', { type: 'button', ...attributes }, label) as HTMLButtonElement;
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Show' }, ...VIEWS.map((view) => button(view[0]!.toUpperCase() + view.slice(1), { 'data-view': view, 'aria-pressed': 'false' })));
  const search = h('input', { type: 'search', placeholder: 'Search uuid, name or e-mail', 'aria-label': 'Search conversations by uuid, name or e-mail' }) as HTMLInputElement;
  const list = h('div', { class: 'list' });
  const more = button('Load more', { class: 'more' });
  const status = h('select', { 'aria-label': 'Your status' }, h('option', { value: 'online' }, 'Online'), h('option', { value: 'away' }, 'Away')) as HTMLSelectElement;
  const notify = button('Desktop notifications', { 'aria-pressed': 'false' });
  const sound = button('Sound for new messages', { 'aria-pressed': 'false' });
  const help = button('Keyboard shortcuts (?)');
  const signOut = button('Sign out');
  const conn = h('span', { class: 'conn', role: 'status' });
  const notice = h('span', { class: 'conn', role: 'alert' });
  const title = h('h2', { dir: 'auto' }, 'No conversation selected');
  const assign = h('select', { 'aria-label': 'Assign to' }) as HTMLSelectElement;
  const toggle = button('Close');
  const showIdentity = button('Details', { class: 'show-identity', 'aria-label': 'Visitor details' });
  const backs = [button('←', { class: 'back', 'aria-label': 'Back to the conversations' }), button('← Back', { class: 'back', 'aria-label': 'Back to the conversation' })];
  const messages = h('div', { class: 'messages', role: 'log', 'aria-label': 'Messages', tabindex: '0' });
  const typing = h('p', { class: 'typing', 'aria-live': 'polite' });
  const reply = h('textarea', { rows: '2', 'aria-label': 'Reply', placeholder: 'Reply… (Enter sends, Shift+Enter for a new line)', maxlength: '4000', dir: 'auto' }) as HTMLTextAreaElement;
  const send = button('Send', { class: 'primary', type: 'submit' });
  const composer = h('form', { class: 'composer' }, reply, send) as HTMLFormElement;
  const identity = h('div', { class: 'identity' });
  const dialogClose = button('Close');
  const dialog = h('dialog', { 'aria-label': 'Keyboard shortcuts' }, shortcutsHelp(), dialogClose) as HTMLDialogElement;
  const threadPane = h('section', { class: 'pane thread-pane', 'aria-label': 'Conversation' },
    h('div', { class: 'thread-head' }, backs[0]!, title, h('div', { class: 'actions' }, assign, toggle, showIdentity)), messages, typing, composer);
  const app = h('div', { class: 'app', 'data-pane': 'list' },
    h('header', { class: 'bar' }, h('h1', {}, 'Inbox'), conn, notice, status,
      h('details', { class: 'menu' }, h('summary', {}, 'Menu'), h('div', { class: 'menu-items' }, notify, sound, help, signOut))),
    h('main', { class: 'panes' },
      h('section', { class: 'pane list-pane', 'aria-label': 'Conversations' }, h('div', { class: 'list-tools' }, tabs, search), list, more),
      threadPane,
      h('section', { class: 'pane identity-pane', 'aria-label': 'Visitor details' }, backs[1]!, identity)),
    dialog);
  return { app, tabs, search, list, more, status, notify, sound, help, signOut, conn, notice, title, assign, toggle, showIdentity, backs, messages, typing, reply, send, composer, identity, dialog, dialogClose, threadPane };
}

function describe(error: unknown): string {
  if (error instanceof InboxError) return error.message;
  return 'The chat server cannot be reached: check the connection; the inbox retries.';
}
