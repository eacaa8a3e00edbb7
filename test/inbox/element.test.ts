/**
 * `<chatq-inbox>` (src/inbox/element.ts, SPEC §11) driven as an agent uses
 * it, against the real handler behind a same-origin page (./server.ts):
 * sign-in, the list and its views, a conversation opened, replies, live
 * messages, the actions, the shortcuts and sign-out. Each wait is for what
 * the agent would see, never for a time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatqInboxElement } from '../../src/inbox/element.js';
import { ALICE, BASE, inboxServer, until, type InboxServer } from './server.js';

if (!customElements.get('chatq-inbox')) customElements.define('chatq-inbox', ChatqInboxElement);

let server: InboxServer;
let inbox: ChatqInboxElement;
let root: ShadowRoot;

beforeEach(() => {
  server = inboxServer().install();
  localStorage.clear();
});
afterEach(() => {
  inbox?.remove();
  document.body.replaceChildren();
  server.close();
  vi.unstubAllGlobals();
});

/** Puts the inbox on the page, pointed at the server (a trailing slash is dropped). */
function mount(attributes: Record<string, string> = {}): void {
  inbox = document.createElement('chatq-inbox') as ChatqInboxElement;
  for (const [name, value] of Object.entries({ server: `${BASE}/`, ...attributes })) inbox.setAttribute(name, value);
  document.body.append(inbox);
  root = inbox.shadowRoot!;
}

/** Signed in, the inbox on the page and its list loaded. */
async function signedIn(): Promise<void> {
  await server.signIn();
  mount();
  await until(() => expect(root.querySelector('.list .item, .list .empty')).not.toBeNull());
}

const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
};
const button = (text: string): HTMLButtonElement => [...root.querySelectorAll('button')].find((candidate) => candidate.textContent === text)!;
const rowIds = (): string[] => [...root.querySelectorAll<HTMLElement>('.list .item')].map((item) => item.dataset.id!);
const bodies = (): string[] => [...root.querySelectorAll<HTMLElement>('.messages .msg')].map((node) => node.querySelector('span[dir=auto]')?.textContent ?? node.firstChild!.textContent!);
const press = (key: string, init: KeyboardEventInit = {}): void => void $('.app').dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init }));

/** Opens conversation `id` from the list and waits for its messages (every conversation here has some). */
async function open(id: string): Promise<void> {
  await until(() => expect(rowIds()).toContain(id));
  $(`.item[data-id="${id}"]`).click();
  await until(() => expect($('.messages').querySelector('.msg')).not.toBeNull());
}

function typeReply(text: string, init: KeyboardEventInit = {}): void {
  const reply = $<HTMLTextAreaElement>('form.composer textarea');
  reply.value = text;
  reply.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init }));
}

describe('signing in', () => {
  it('asks for the agent token, says what the server refused, and never keeps what was typed', async () => {
    mount();
    await until(() => expect(root.querySelector('form.signin')).not.toBeNull());
    expect($('[role=alert]').textContent).toBe('');
    const token = $<HTMLInputElement>('#token');
    expect(token.type).toBe('password');
    token.value = 'not-a-token-of-this-server-0123456789';
    $<HTMLFormElement>('form.signin').requestSubmit();
    expect(token.value).toBe('');
    await until(() => expect($('[role=alert]').textContent).toContain('not an agent token'));
  });

  it('opens the inbox with the open conversations once the token is right', async () => {
    const { conversationId } = await server.named('Ada', 'Hello?');
    mount();
    await until(() => expect(root.querySelector('form.signin')).not.toBeNull());
    $<HTMLInputElement>('#token').value = ALICE.token;
    $<HTMLFormElement>('form.signin').requestSubmit();
    await until(() => expect(rowIds()).toEqual([conversationId]));
    expect($('.item .who').textContent).toBe('Ada');
    expect(server.requests.filter((request) => request.startsWith('GET /agent/v1/conversations'))).toEqual(['GET /agent/v1/conversations?limit=50&status=open']);
  });

  it('adopts its stylesheet, and sizes the served page when it is the page', async () => {
    await server.signIn();
    const before = document.adoptedStyleSheets.length;
    mount({ page: '' });
    expect(root.adoptedStyleSheets).toHaveLength(1);
    expect(root.adoptedStyleSheets[0]!.cssRules.length).toBeGreaterThan(50);
    expect(document.adoptedStyleSheets).toHaveLength(before + 1);
  });

  it('signs out back to the form, and the cookie no longer opens the inbox', async () => {
    await signedIn();
    button('Sign out').click();
    await until(() => expect($('[role=alert]').textContent).toBe('Signed out.'));
    expect(root.querySelector('.app')).toBeNull();
    expect((await server.fetch(`${BASE}/agent/v1/me`)).status).toBe(401);
  });
});

describe('a conversation', () => {
  it('opens from the list with its messages, who it is and the thread pane, and is marked read', async () => {
    const { conversationId } = await server.named('Ada', 'Hello?', 'Is anyone there?');
    await signedIn();
    await open(conversationId);
    expect(bodies()).toEqual(['Hello?', 'Is anyone there?']);
    expect($('.thread-head h2').textContent).toBe('Ada');
    expect($('.app').dataset.pane).toBe('thread');
    expect($('.item[aria-current=true]').dataset.id).toBe(conversationId);
    expect($('.identity').textContent).toContain('visitor-ada (claimed, not verified)');
    await until(async () => expect((await server.conversation(conversationId)).agentReadSeq).toBe(2));
  });

  it('sends a reply with Enter, stored once, shown as the server’s message; Shift+Enter only breaks the line', async () => {
    const { conversationId } = await server.named('Ada', 'Hello?');
    await signedIn();
    await open(conversationId);
    typeReply('a new line', { shiftKey: true });
    expect(server.requests.filter((request) => request.startsWith('POST') && request.endsWith('/messages'))).toEqual([]);
    typeReply('  Hi Ada, how can I help?  ');
    expect($<HTMLTextAreaElement>('form.composer textarea').value).toBe('');
    await until(() => expect(root.querySelector('.msg[data-author=agent][data-seq="2"]')).not.toBeNull());
    expect(root.querySelector('.msg[data-state]')).toBeNull();
    expect((await server.history(conversationId)).map((message) => [message.author, message.body])).toEqual([['visitor', 'Hello?'], ['agent', 'Hi Ada, how can I help?']]);
    expect(bodies()).toEqual(['Hello?', 'Hi Ada, how can I help?']);
  });

  it('marks a reply the server refuses as not sent, with its sentence and a Retry that sends it again', async () => {
    const { conversationId } = await server.named('Ada', 'Hello?');
    await signedIn();
    await open(conversationId);
    // A control character: the server refuses the body (not plain text), and a retry cannot change that.
    typeReply('see\u0000this');
    await until(() => expect(root.querySelector('.msg[data-state=failed]')).not.toBeNull());
    expect($('.msg[data-state=failed] .state').textContent).toMatch(/^Not sent: .+ Retry$/);
    const sent = server.requests.length;
    $('.retry').click();
    await until(() => expect(server.requests.length).toBeGreaterThan(sent));
    expect(server.requests.at(-1)).toBe(`POST /agent/v1/conversations/${encodeURIComponent(conversationId)}/messages`);
    await until(() => expect(root.querySelector('.msg[data-state=failed]')).not.toBeNull());
    expect(await server.history(conversationId)).toHaveLength(1);
  });

  it('shows the visitor’s new message live in the open thread', async () => {
    const { conversationId, session } = await server.named('Ada', 'Hello?');
    await signedIn();
    await open(conversationId);
    await until(() => expect($('.conn[role=status]').textContent).toBe(''));
    await server.says(session, 'My order is late');
    await until(() => expect(bodies()).toEqual(['Hello?', 'My order is late']));
  });

  it('closes and reopens the conversation from its button, and assigns it to another agent', async () => {
    const { conversationId } = await server.named('Ada', 'Hello?');
    await signedIn();
    await open(conversationId);
    $('.thread-head .actions button').click();
    await until(async () => expect((await server.conversation(conversationId)).status).toBe('closed'));
    await until(() => expect($('.thread-head .actions button').textContent).toBe('Reopen'));
    $('.thread-head .actions button').click();
    await until(async () => expect((await server.conversation(conversationId)).status).toBe('open'));
    const assign = $<HTMLSelectElement>('.actions select');
    expect([...assign.options].map((option) => option.value)).toEqual(['', 'alice', 'bob']);
    assign.value = 'bob';
    assign.dispatchEvent(new Event('change'));
    await until(async () => expect((await server.conversation(conversationId)).assignee).toBe('bob'));
  });
});

describe('the list', () => {
  it('switches views with the tabs and searches once the agent stops typing', async () => {
    const ada = await server.named('Ada', 'Hello?');
    const bob = await server.named('Grace', 'Hi');
    await signedIn();
    await until(() => expect(rowIds().sort()).toEqual([ada.conversationId, bob.conversationId].sort()));
    button('Closed').click();
    await until(() => expect(root.querySelector('.list .empty')?.textContent).toBe('No conversations here yet.'));
    expect(button('Closed').getAttribute('aria-pressed')).toBe('true');
    expect(button('Open').getAttribute('aria-pressed')).toBe('false');
    button('All').click();
    const search = $<HTMLInputElement>('input[type=search]');
    search.value = ' grace ';
    search.dispatchEvent(new Event('input'));
    await until(() => expect(rowIds()).toEqual([bob.conversationId]));
    expect(server.requests).toContain('GET /agent/v1/conversations?limit=50&q=grace');
  });

  it('says when the server cannot be reached', async () => {
    await signedIn();
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    button('Closed').click();
    await until(() => expect($('.conn[role=alert]').textContent).toBe('The chat server cannot be reached: check the connection; the inbox retries.'));
  });

  it('moves with j and k, focuses search with /, goes back with Escape and shows the shortcuts with ?', async () => {
    const first = await server.named('Ada', 'one');
    const second = await server.named('Grace', 'two');
    await signedIn();
    await until(() => expect(rowIds()).toHaveLength(2));
    const [top, below] = rowIds();
    expect([top, below].sort()).toEqual([first.conversationId, second.conversationId].sort());
    press('j');
    await until(() => expect(root.querySelector<HTMLElement>('.item[aria-current=true]')?.dataset.id).toBe(top));
    press('j');
    await until(() => expect(root.querySelector<HTMLElement>('.item[aria-current=true]')?.dataset.id).toBe(below));
    press('j');
    press('k');
    await until(() => expect(root.querySelector<HTMLElement>('.item[aria-current=true]')?.dataset.id).toBe(top));
    press('Escape');
    expect($('.app').dataset.pane).toBe('list');
    press('/');
    expect(root.activeElement).toBe($('input[type=search]'));
    press('?');
    expect($<HTMLDialogElement>('dialog').open).toBe(true);
  });

  it('sets the agent’s status', async () => {
    await signedIn();
    const status = $<HTMLSelectElement>('header select');
    expect(status.value).toBe('online');
    status.value = 'away';
    status.dispatchEvent(new Event('change'));
    await until(() => expect(server.bodies.get('/agent/v1/status')).toEqual({ status: 'away' }));
    // The body is recorded as the request leaves; the server has it once its answer is in: asked until then.
    await until(async () => expect(((await (await server.fetch(`${BASE}/agent/v1/me`)).json()) as { status: string }).status).toBe('away'));
  });
});
