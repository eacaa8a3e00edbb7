// The demo host page: queue chatq commands, load the widget with the classic
// async snippet, and sign the visitor in through this site's own backend.
// An external file because the page's CSP forbids inline script.

var _chatq = window._chatq || [];

(function () {
  'use strict';
  var base = document.querySelector('meta[name="chatq-base"]').content;
  var embedded = new URLSearchParams(location.search).get('embedded') === '1';
  var state = { jwt: null, exp: null, user: null, kid: null, lifetime: null, lastRenew: 0 };

  function log(text, bad) {
    var list = document.getElementById('events');
    if (!list) return void pending.push([text, bad]);
    var item = document.createElement('li');
    item.textContent = new Date().toLocaleTimeString() + '  ' + text;
    if (bad) item.className = 'bad';
    list.prepend(item);
  }
  var pending = [];

  // Renew 15 s before expiry (default 300 s): the demo's tokens are short.
  _chatq.push(['_setConfiguration', embedded ? { embedded: true, parentNodeId: 'support-box', renewBefore: 15 } : { renewBefore: 15 }]);
  _chatq.push(['_addMessage', { body: 'Hello! Ask us anything about your order.', agent: true }]);

  var EVENTS = ['started', 'chat_shown', 'chat_closed', 'chat_engaged', 'message_sent', 'message_received',
    'identity_verified', 'identity_rejected', 'identity_expiring', 'session_expired'];
  EVENTS.forEach(function (name) {
    _chatq.push(['_onEvent', name, function (data) {
      var detail = '';
      if (data.code) detail = ' ' + data.code + ': ' + data.message;
      if (data.message && data.message.body !== undefined) detail = ' "' + data.message.body.slice(0, 80) + '"';
      if (data.identity) detail = ' uuid ' + data.identity.uuid + ' (' + data.identity.uuidSource + (data.identity.kid ? ', kid ' + data.identity.kid : '') + ')';
      if (name === 'identity_expiring') detail = ' expires ' + new Date(data.expiresAt).toLocaleTimeString();
      log(name + detail, name === 'identity_rejected' || name === 'session_expired');
      if (name === 'identity_expiring') onExpiring();
    }]);
  });

  // The classic asynchronous snippet, unchanged from what integrators paste.
  var snippet = function () {
    var s = document.createElement('script');
    s.async = true;
    s.src = base + '/loader.js';
    var first = document.getElementsByTagName('script')[0];
    first.parentNode.insertBefore(s, first);
  };
  snippet();

  // --- the host's own sign-in, through its backend --------------------------

  function value(id) { return document.getElementById(id).value; }

  function mint(user, kid, lifetime) {
    return fetch('/api/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: user, kid: kid, lifetime: Number(lifetime) }),
    }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body.error || res.status);
        return body;
      });
    });
  }

  function pushToken(token) {
    state.jwt = token.jwt; // memory only
    state.exp = token.payload.exp;
    document.getElementById('jwt-header').textContent = JSON.stringify(token.header);
    document.getElementById('jwt-payload').textContent = JSON.stringify(token.payload);
    _chatq.push(['_setSignedIdentity', token.jwt]);
    log('pushed _setSignedIdentity (kid ' + token.header.kid + ', exp in ' + (token.payload.exp - Math.floor(Date.now() / 1000)) + ' s)');
    tick();
  }

  function signIn() {
    state.user = value('user');
    state.kid = value('kid');
    state.lifetime = value('lifetime');
    return mint(state.user, state.kid, state.lifetime).then(pushToken, function (error) { log('backend: ' + error.message, true); });
  }

  function renew() {
    if (!state.user) return log('sign in first', true);
    state.lastRenew = Date.now();
    return mint(state.user, state.kid, state.lifetime).then(pushToken, function (error) { log('backend: ' + error.message, true); });
  }

  function onExpiring() {
    if (!state.user || !document.getElementById('auto-renew').checked) return;
    if (Date.now() - state.lastRenew < 5000) return; // never a renewal loop
    log('identity_expiring → fetching a fresh JWT from the backend');
    renew();
  }

  function tick() {
    var out = document.getElementById('countdown');
    if (!state.exp) { out.textContent = 'no token'; out.className = ''; return; }
    var left = state.exp - Math.floor(Date.now() / 1000);
    if (left <= 0) { out.textContent = 'expired ' + -left + ' s ago'; out.className = 'expired'; return; }
    out.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
    out.className = '';
  }

  function fill(select, items, text, val) {
    items.forEach(function (item) {
      var option = document.createElement('option');
      option.value = val(item);
      option.textContent = text(item);
      select.append(option);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    pending.splice(0).forEach(function (entry) { log(entry[0], entry[1]); });
    document.getElementById('snippet').textContent =
      'var _chatq = _chatq || [];\n_chatq.push([\'_setSignedIdentity\', jwt]);\n(' + String(snippet) + ')();';
    if (embedded) document.getElementById('support-box').hidden = false;
    fetch('/api/config').then(function (res) { return res.json(); }).then(function (config) {
      state.users = config.users;
      fill(document.getElementById('user'), config.users, function (u) { return u.label; }, function (u) { return u.id; });
      fill(document.getElementById('kid'), config.keys, function (k) {
        return k.kid + ' (' + k.alg + (k.retired ? ', removed from the community: refused' : '') + ')';
      }, function (k) { return k.kid; });
      fill(document.getElementById('lifetime'), config.lifetimes, function (l) { return l.label; }, function (l) { return l.seconds; });
      document.getElementById('lifetime').value = '120';
    });
    document.getElementById('sign-in').addEventListener('click', signIn);
    document.getElementById('renew').addEventListener('click', renew);
    document.getElementById('unsigned').addEventListener('click', function () {
      var user = (state.users || []).find(function (u) { return u.id === value('user'); });
      if (!user) return;
      _chatq.push(['_setIdentity', user.identity]);
      log('pushed _setIdentity (unsigned data for ' + user.id + ')');
    });
    document.getElementById('sign-out').addEventListener('click', function () {
      state.jwt = state.exp = state.user = null;
      document.getElementById('jwt-header').textContent = '—';
      document.getElementById('jwt-payload').textContent = '—';
      _chatq.push(['_clearIdentity']);
      log('pushed _clearIdentity');
      tick();
    });
    setInterval(tick, 1000);
  });
})();
