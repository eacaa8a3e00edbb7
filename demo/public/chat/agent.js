// The demo agent view: every conversation of every mounted handler, with the
// verified identity exactly as the community mapping produced it, and a reply
// box. Uses only the handler's agent API (src/identity/protocol.ts). Every
// value is rendered with textContent: identity data and messages are text.

const FIELDS = ['firstname', 'lastname', 'screenname', 'email', 'company', 'avatar_url', 'gender', 'home_phone', 'mobile_phone', 'notes'];
const conversations = new Map(); // `${base} ${id}` → { base, mode, c }
let session; // { agentToken, mounts }
let selected;
const detail = { key: undefined, parts: undefined };

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = String(props.text);
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

const api = (base, path, init = {}) =>
  fetch(base + path, { ...init, headers: { authorization: `Bearer ${session.agentToken}`, 'content-type': 'application/json', ...init.headers } });

// AgentConversation.expiresAt mirrors the JWT's exp (seconds); accept milliseconds too.
const expiryMs = (value) => (typeof value === 'number' ? (value < 1e12 ? value * 1000 : value) : undefined);

function badge(c) {
  const kind = c.signed ? 'signed' : c.uuidSource === 'automated' ? 'automated' : 'unsigned';
  return el('span', { class: `badge ${kind}`, text: kind });
}

function expiryText(c) {
  const ms = expiryMs(c.expiresAt);
  if (ms === undefined) return 'no expiry';
  const left = Math.round((ms - Date.now()) / 1000);
  const at = new Date(ms).toLocaleTimeString();
  return left > 0 ? `${at} (in ${left} s)` : `${at} (expired ${-left} s ago)`;
}

function displayName(c) {
  const f = c.fields ?? {};
  return [f.firstname, f.lastname].filter(Boolean).join(' ') || f.screenname || f.email || '(no name)';
}

function upsert(base, mode, c) {
  conversations.set(`${base} ${c.id}`, { base, mode, c });
}

/**
 * A small agent-stream update: the conversation without its history (and, for
 * `message`, the one new message). Keeps the messages already shown, adds the
 * new one once (a full `conversation` event may already have carried it).
 */
function merge(base, mode, summary, message) {
  const known = conversations.get(`${base} ${summary.id}`)?.c;
  const messages = [...(known?.messages ?? [])];
  if (message && !messages.some((m) => m.id === message.id)) {
    messages.push(message);
    messages.sort((a, b) => a.seq - b.seq);
  }
  const { lastSeq, ...rest } = summary;
  upsert(base, mode, { ...rest, messages });
}

function renderList() {
  const list = $('list');
  const items = [...conversations.entries()].sort((a, b) => (b[1].c.updatedAt ?? 0) - (a[1].c.updatedAt ?? 0));
  if (items.length === 0) return;
  list.replaceChildren(
    ...items.map(([key, { mode, c }]) => {
      const last = c.messages?.[c.messages.length - 1];
      const button = el('button', { attrs: { type: 'button', 'aria-current': String(key === selected) } }, [
        el('span', { class: 'who', text: displayName(c) }),
        badge(c),
        el('span', { class: 'badge mode', text: mode }),
        el('span', { class: 'meta', text: `uuid ${c.uuid}` }),
        last ? el('span', { class: 'meta', text: ` · ${last.author}: ${last.body.slice(0, 60)}` }) : null,
      ]);
      button.addEventListener('click', () => select(key));
      return el('li', {}, [button]);
    }),
  );
}

function table(rows) {
  return el('table', {}, [
    el(
      'tbody',
      {},
      rows.map(([name, value, attrs]) =>
        el('tr', {}, [el('th', { text: name, attrs: { scope: 'row' } }), el('td', { text: value ?? '—', class: value === undefined ? 'none' : '', attrs })]),
      ),
    ),
  ]);
}

function card(title, body) {
  return el('section', {}, [el('h3', { text: title }), body]);
}

function entriesOrNone(record) {
  const rows = Object.entries(record ?? {});
  return rows.length ? table(rows) : el('p', { class: 'empty', text: 'none' });
}

/** Builds the detail pane once per selection; updates keep the reply box (and what is typed in it). */
function select(key) {
  selected = key;
  const { base } = conversations.get(key);
  const parts = { head: el('div'), cards: el('div', { class: 'cards' }), log: el('ol', { class: 'log', attrs: { 'aria-label': 'Messages' } }) };
  const input = el('textarea', { attrs: { 'aria-label': 'Reply', placeholder: 'Reply to the visitor…' } });
  const error = el('p', { class: 'error', attrs: { role: 'alert' } });
  const form = el('form', {}, [input, el('button', { class: 'send', text: 'Send reply', attrs: { type: 'submit' } })]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    const { c } = conversations.get(key);
    const res = await api(base, `/agent/v1/conversations/${encodeURIComponent(c.id)}/messages`, {
      method: 'POST',
      body: JSON.stringify({ body, clientId: `agent-${crypto.randomUUID()}` }),
    }).catch(() => undefined);
    if (res?.ok) {
      input.value = '';
      error.textContent = '';
      const { message } = await res.json();
      if (!c.messages.some((m) => m.id === message.id)) c.messages.push(message);
      update();
    } else {
      const problem = res ? await res.json().catch(() => undefined) : undefined;
      error.textContent = problem?.error ? `${problem.error.code}: ${problem.error.message}` : 'The reply could not be sent.';
    }
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $('detail').replaceChildren(parts.head, parts.cards, el('h3', { text: 'Messages' }), parts.log, form, error);
  detail.key = key;
  detail.parts = parts;
  update();
  input.focus();
}

function renderDetail() {
  if (!detail.key || !conversations.has(detail.key)) return;
  const { mode, base, c } = conversations.get(detail.key);
  const { head, cards, log } = detail.parts;
  head.replaceChildren(
    el('h2', { text: displayName(c) }),
    el('p', {}, [badge(c), el('span', { class: 'badge mode', text: `${mode} · ${base}` }), el('span', { class: 'meta', text: `conversation ${c.id}` })]),
  );
  cards.replaceChildren(
    card('Identity', table([
      ['uuid', c.uuid],
      ['uuid source', c.uuidSource],
      ['signed', c.signed ? 'yes' : 'no'],
      ['key id (kid)', c.kid],
      ['expires', expiryText(c), { 'data-expiry': '' }],
      ['last page', c.lastPage ? `${c.lastPage.title ?? ''} ${c.lastPage.url ?? ''}`.trim() : undefined],
    ])),
    card('Predefined fields', table(FIELDS.map((name) => [name, c.fields?.[name]]))),
    card('Custom fields', entriesOrNone(c.customFields)),
    card('Extra values', entriesOrNone(c.extraValues)),
    card(
      `Warnings (${c.warnings?.length ?? 0})`,
      c.warnings?.length
        ? el('ul', { class: 'warnings' }, c.warnings.map((w) => el('li', {}, [el('code', { text: w.code }), el('span', { text: ` ${w.path}: ${w.message}` })])))
        : el('p', { class: 'empty', text: 'none' }),
    ),
  );
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  log.replaceChildren(
    ...(c.messages ?? []).map((m) =>
      el('li', { class: m.author }, [
        el('span', { class: 'author', text: `${m.author} · ${new Date(m.createdAt).toLocaleTimeString()}` }),
        el('span', { text: m.body }),
      ]),
    ),
  );
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function update() {
  renderList();
  renderDetail();
}

/** The expiry countdown: only that cell changes, so selections and scrolling are left alone. */
function tickExpiry() {
  const cell = detail.parts?.cards.querySelector('td[data-expiry]');
  if (cell && conversations.has(detail.key)) cell.textContent = expiryText(conversations.get(detail.key).c);
}

async function loadList({ base, mode }) {
  const res = await api(base, '/agent/v1/conversations');
  if (!res.ok) throw new Error(`${base}: ${res.status}`);
  const { conversations: list } = await res.json();
  for (const c of list) upsert(base, mode, c);
}

/** Reads `{base}/agent/v1/stream` with fetch (EventSource cannot send the Authorization header). */
async function stream(mount, attempt = 0) {
  try {
    const res = await api(mount.base, '/agent/v1/stream', { headers: { accept: 'text/event-stream' } });
    if (!res.ok || !res.body) throw new Error(String(res.status));
    await loadList(mount); // catch up on what happened while disconnected
    update();
    attempt = 0;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const data = block.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (!data) continue;
        const event = JSON.parse(data);
        if (event.type === 'conversation') {
          upsert(mount.base, mount.mode, event.conversation);
          update();
        } else if (event.type === 'message' || event.type === 'summary') {
          merge(mount.base, mount.mode, event.conversation, event.message);
          update();
        }
      }
    }
  } catch {
    // fall through to the reconnect below
  }
  const delay = Math.min(10_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
  setTimeout(() => stream(mount, attempt + 1), delay);
}

async function main() {
  const res = await fetch('/demo/agent-session');
  if (!res.ok) return setStatus('Cannot get the agent credential from the demo server.', true);
  session = await res.json();
  setStatus(`Watching ${session.mounts.map((m) => `${m.base} (${m.mode})`).join(', ')} — live.`);
  await Promise.all(session.mounts.map((m) => loadList(m).catch((e) => setStatus(`Agent API error: ${e.message}`, true))));
  update();
  for (const mount of session.mounts) stream(mount);
  setInterval(tickExpiry, 1000);
}

main();
