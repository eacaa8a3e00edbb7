// The ESM flavour of the demo host page: createMessenger with getToken.
const base = document.querySelector('meta[name="chatq-base"]').content;
const { createMessenger } = await import(`${new URL(base).origin}/static/client.js`);

const $ = (id) => document.getElementById(id);
const state = { exp: null, user: null, kid: null, lifetime: null, renewals: 0 };

function log(text, bad = false) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  if (bad) item.className = 'bad';
  $('events').prepend(item);
}

async function mint() {
  const res = await fetch('/api/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: state.user, kid: state.kid, lifetime: Number(state.lifetime) }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? String(res.status));
  state.exp = body.payload.exp;
  tick();
  return body.jwt; // memory only
}

const chat = createMessenger({
  server: base,
  renewBefore: 15,
  // Called by the widget before the JWT lapses (and again after, until it succeeds).
  getToken: async () => {
    $('renewals').textContent = String(++state.renewals);
    log('getToken() called by the widget');
    return mint();
  },
});

for (const name of ['started', 'chat_shown', 'chat_closed', 'message_sent', 'message_received', 'identity_verified', 'identity_rejected', 'identity_expiring', 'session_expired']) {
  chat.on(name, (data) => {
    const detail = data.code ? ` ${data.code}: ${data.message}` : data.identity ? ` uuid ${data.identity.uuid} (${data.identity.uuidSource})` : '';
    log(name + detail, name === 'identity_rejected' || name === 'session_expired');
  });
}

function tick() {
  const out = $('countdown');
  if (!state.exp) return void (out.textContent = 'no token');
  const left = state.exp - Math.floor(Date.now() / 1000);
  out.textContent = left > 0 ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : `expired ${-left} s ago`;
  out.className = left > 0 ? '' : 'expired';
}

function fill(select, items, text, value) {
  for (const item of items) select.append(new Option(text(item), value(item)));
}

const config = await (await fetch('/api/config')).json();
fill($('user'), config.users, (u) => u.label, (u) => u.id);
fill($('kid'), config.keys, (k) => `${k.kid} (${k.alg}${k.retired ? ', removed from the community: refused' : ''})`, (k) => k.kid);
fill($('lifetime'), config.lifetimes, (l) => l.label, (l) => l.seconds);
$('lifetime').value = '45';

$('sign-in').addEventListener('click', async () => {
  state.user = $('user').value;
  state.kid = $('kid').value;
  state.lifetime = $('lifetime').value;
  try {
    const result = await chat.setIdentity(await mint());
    if (!result.ok) log(`setIdentity: ${result.code}`, true);
  } catch (error) {
    log(`backend: ${error.message}`, true);
  }
});
$('sign-out').addEventListener('click', () => {
  state.exp = state.user = null;
  chat.clearIdentity();
  log('clearIdentity()');
  tick();
});
setInterval(tick, 1000);
