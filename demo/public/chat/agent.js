// The demo agent view: the conversations of every mounted handler, newest
// first, with the verified identity exactly as the community mapping produced
// it, and a reply box. Uses only the handler's agent API
// (src/identity/protocol.ts): the list and the stream carry summaries, and a
// conversation's history is fetched from its messages endpoint when it is
// opened (SPEC §6 "Bounds": no answer holds the whole store). Every value is
// rendered with textContent: identity data and messages are text.

const FIELDS = ['firstname', 'lastname', 'screenname', 'email', 'company', 'avatar_url', 'gender', 'home_phone', 'mobile_phone', 'notes'];
const PAGE = 50;
/**
 * `${base} ${id}` → { base, mode, c: the newest summary, messages: the history
 * held in seq order (undefined until the conversation is opened), older: the
 * server keeps messages before the first held, preview: the newest message seen }.
 */
const conversations = new Map();
/** base → the cursor of the next page of that mount's list (absent: no more). */
const cursors = new Map();
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

// AgentConversationSummary.expiresAt mirrors the JWT's exp (seconds); accept milliseconds too.
const expiryMs = (value) => (typeof value === 'number' ? (value < 1e12 ? value * 1000 : value) : undefined);

/** GET on the agent API; throws with the error code on a refusal. */
async function getJson(base, path) {
  const res = await api(base, path);
  if (!res.ok) {
    const problem = await res.json().catch(() => undefined);
    throw new Error(problem?.error ? `${problem.error.code}: ${problem.error.message}` : `${base}${path}: ${res.status}`);
  }
  return res.json();
}

const messagesPath = (id, query) => `/agent/v1/conversations/${encodeURIComponent(id)}/messages?${query}`;

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

/** Records the newest summary of a conversation; what is held of its history stays. */
function upsert(base, mode, summary) {
  const key = `${base} ${summary.id}`;
  const entry = conversations.get(key) ?? { base, mode, c: summary, messages: undefined, older: false, preview: undefined };
  // Events may arrive out of order with a list page: keep the newer summary.
  if (!(entry.c.updatedAt > summary.updatedAt) || entry.c === summary) entry.c = summary;
  conversations.set(key, entry);
  return key;
}

const heldSeq = (entry) => entry.messages?.at(-1)?.seq ?? 0;

/** Adds messages to what is held, once each, in seq order. */
function hold(entry, messages) {
  const bySeq = new Map((entry.messages ?? []).map((m) => [m.seq, m]));
  for (const m of messages) bySeq.set(m.seq, m);
  entry.messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const last = entry.messages.at(-1);
  if (last && !(entry.preview?.seq > last.seq)) entry.preview = last;
}

/**
 * Fetches what the summary says exists beyond the held history
 * (`?after=<last seq held>`), a page at a time. Only for an opened
 * conversation; one fetch at a time per conversation (a later call repeats it).
 */
async function catchUp(key) {
  const entry = conversations.get(key);
  if (!entry || entry.messages === undefined) return;
  if (entry.syncing) {
    entry.again = true;
    return;
  }
  entry.syncing = true;
  try {
    do {
      entry.again = false;
      while (entry.c.lastSeq > heldSeq(entry)) {
        const page = await getJson(entry.base, messagesPath(entry.c.id, `after=${heldSeq(entry)}&limit=${PAGE}`));
        if (page.messages.length === 0) break; // aged out of the kept history: nothing to fetch
        hold(entry, page.messages);
        update();
        if (!page.more) break;
      }
    } while (entry.again);
  } catch (error) {
    setStatus(`History of ${entry.c.id}: ${error.message}`, true);
  } finally {
    entry.syncing = false;
  }
}

/** The newest page of an opened conversation's history, then whatever arrived meanwhile. */
async function loadHistory(key) {
  const entry = conversations.get(key);
  if (!entry || entry.messages !== undefined || entry.loading) return;
  entry.loading = true;
  try {
    const page = await getJson(entry.base, messagesPath(entry.c.id, `limit=${PAGE}`));
    hold(entry, page.messages);
    entry.older = page.more;
    update();
    await catchUp(key);
  } catch (error) {
    setStatus(`History of ${entry.c.id}: ${error.message}`, true);
  } finally {
    entry.loading = false;
  }
}

/** Scrolls back: the page before the first held message. */
async function loadEarlier(key) {
  const entry = conversations.get(key);
  const first = entry?.messages?.[0];
  if (!entry || !first) return;
  try {
    const page = await getJson(entry.base, messagesPath(entry.c.id, `before=${first.seq}&limit=${PAGE}`));
    hold(entry, page.messages);
    entry.older = page.more;
    update();
  } catch (error) {
    setStatus(`History of ${entry.c.id}: ${error.message}`, true);
  }
}

/** An agent-stream event: a summary, with one new message for `message`. */
function onStreamEvent(mount, event) {
  if (event.type !== 'message' && event.type !== 'summary') return;
  const key = upsert(mount.base, mount.mode, event.conversation);
  const entry = conversations.get(key);
  if (event.type === 'message') {
    // Held in order only: a message past a gap waits for catchUp to fetch the gap with it.
    if (entry.messages !== undefined && event.message.seq <= heldSeq(entry) + 1) hold(entry, [event.message]);
    if (!(entry.preview?.seq >= event.message.seq)) entry.preview = event.message;
  }
  update();
  void catchUp(key);
}

function renderList() {
  const list = $('list');
  const items = [...conversations.entries()].sort((a, b) => (b[1].c.updatedAt ?? 0) - (a[1].c.updatedAt ?? 0));
  const more = [...cursors.values()].some((cursor) => cursor !== undefined);
  if (items.length === 0 && !more) return;
  const rows = items.map(([key, { mode, c, preview }]) => {
    const last = preview?.seq === c.lastSeq ? preview : undefined;
    const button = el('button', { attrs: { type: 'button', 'aria-current': String(key === selected) } }, [
      el('span', { class: 'who', text: displayName(c) }),
      badge(c),
      el('span', { class: 'badge mode', text: mode }),
      el('span', { class: 'meta', text: `uuid ${c.uuid}` }),
      last
        ? el('span', { class: 'meta', text: ` · ${last.author}: ${last.body.slice(0, 60)}` })
        : el('span', { class: 'meta', text: ` · ${c.lastSeq} message${c.lastSeq === 1 ? '' : 's'}` }),
    ]);
    button.addEventListener('click', () => select(key));
    return el('li', {}, [button]);
  });
  if (more) {
    const button = el('button', { class: 'more', text: 'Load more conversations', attrs: { type: 'button' } });
    button.addEventListener('click', () => loadMore());
    rows.push(el('li', { class: 'more' }, [button]));
  }
  list.replaceChildren(...rows);
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
  const parts = {
    head: el('div'),
    cards: el('div', { class: 'cards' }),
    earlier: el('button', { class: 'earlier', text: 'Load earlier messages', attrs: { type: 'button', hidden: '' } }),
    log: el('ol', { class: 'log', attrs: { 'aria-label': 'Messages' } }),
  };
  parts.earlier.addEventListener('click', () => loadEarlier(key));
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
      const entry = conversations.get(key);
      if (entry.messages !== undefined && message.seq <= heldSeq(entry) + 1) hold(entry, [message]);
      update();
      void catchUp(key);
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
  $('detail').replaceChildren(parts.head, parts.cards, el('h3', { text: 'Messages' }), parts.earlier, parts.log, form, error);
  detail.key = key;
  detail.parts = parts;
  update();
  input.focus();
  void loadHistory(key);
}

function renderDetail() {
  if (!detail.key || !conversations.has(detail.key)) return;
  const { mode, base, c, messages, older } = conversations.get(detail.key);
  const { head, cards, earlier, log } = detail.parts;
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
  earlier.hidden = !older;
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  log.replaceChildren(
    ...(messages ?? []).map((m) =>
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

/** One page of a mount's list (`cursor`: the next page), summaries only. */
async function loadList({ base, mode }, cursor) {
  const page = await getJson(base, `/agent/v1/conversations?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  for (const c of page.conversations) upsert(base, mode, c);
  cursors.set(base, page.cursor);
}

/** "Load more conversations": the next page of every mount that has one. */
async function loadMore() {
  const pending = session.mounts.filter((m) => cursors.get(m.base) !== undefined);
  await Promise.all(pending.map((m) => loadList(m, cursors.get(m.base)).catch((e) => setStatus(`Agent API error: ${e.message}`, true))));
  update();
}

/**
 * Reads `{base}/agent/v1/stream` with fetch (EventSource cannot send the
 * Authorization header). On connect it sends a summary of each of the newest
 * conversations, which also catches up on what happened while disconnected:
 * a summary whose lastSeq is ahead of the held history fetches the gap.
 */
async function stream(mount, attempt = 0) {
  try {
    const res = await api(mount.base, '/agent/v1/stream', { headers: { accept: 'text/event-stream' } });
    if (!res.ok || !res.body) throw new Error(String(res.status));
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
        if (data) onStreamEvent(mount, JSON.parse(data));
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
