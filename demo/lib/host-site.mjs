// The demo "host site": a customer's shop on its own origin (a different port
// from the chat server), with a strict Content-Security-Policy and a tiny
// backend that signs visitors in with JWTs.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { USERS, createTokenMinter } from './host-backend.mjs';
import { MOUNTS } from './community.mjs';
import { attr, loopbackHost, readJson, sendFile, sendJson, sendText } from './http.mjs';

const ROOT = fileURLToPath(new URL('../public/host', import.meta.url));

/** Lifetimes offered on the page; the demo community's minTokenLifetime is 30 s. */
const LIFETIMES = [
  { seconds: 20, label: '20 s — refused: under the 30 s minimum (ERR_JWT_EXP_TOO_SOON)' },
  { seconds: 45, label: '45 s — session expires within a minute' },
  { seconds: 120, label: '2 minutes' },
  { seconds: 600, label: '10 minutes' },
  { seconds: 3600, label: '1 hour' },
];

/** Only loopback names: the chat origin is derived from the Host header the browser used. */
function hostname(req) {
  const name = (req.headers.host ?? '').replace(/:\d+$/, '');
  return name === 'localhost' ? 'localhost' : '127.0.0.1';
}

/**
 * The host page's CSP: no inline script or style at all; scripts only from this
 * site and the chat server; connections only to them (SPEC §5 — the widget
 * must work under it).
 */
function csp(chatOrigin) {
  return [
    "default-src 'self'",
    `script-src 'self' ${chatOrigin}`,
    "style-src 'self'",
    `connect-src 'self' ${chatOrigin}`,
    "img-src 'self' https: data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * @param {{ signingKeys: object[], chatPort: () => number, modes: Record<string,string> }} options
 */
export function createHostSite({ signingKeys, chatPort, modes }) {
  const minter = createTokenMinter(signingKeys);
  return createServer(async (req, res) => {
    if (!loopbackHost(req)) return sendText(res, 421, 'unknown host');
    const url = new URL(req.url ?? '/', 'http://host');
    const chatOrigin = `http://${hostname(req)}:${chatPort()}`;
    const page = url.pathname === '/esm' ? 'esm.html' : url.pathname === '/' || url.pathname === '/index.html' ? 'index.html' : null;
    if (req.method === 'GET' && page) {
      const requested = url.searchParams.get('mode') ?? '';
      const mount = MOUNTS.find((m) => (modes[m.base] === requested)) ?? MOUNTS[0];
      const template = (html) =>
        html
          .replaceAll('{{CHATQ_BASE}}', attr(chatOrigin + mount.base))
          .replaceAll('{{MODE}}', attr(modes[mount.base]))
          .replaceAll('{{CHAT_ORIGIN}}', attr(chatOrigin));
      return sendFile(res, ROOT, page, { 'content-security-policy': csp(chatOrigin) }, template);
    }
    if (req.method === 'GET' && ['/host.js', '/host.css', '/esm.js'].includes(url.pathname)) {
      return sendFile(res, ROOT, url.pathname.slice(1));
    }
    if (req.method === 'GET' && url.pathname === '/api/config') {
      return sendJson(res, 200, {
        users: Object.entries(USERS).map(([id, u]) => ({ id, label: u.label, identity: u.identity })),
        keys: minter.keys(),
        lifetimes: LIFETIMES,
      });
    }
    if (req.method === 'POST' && url.pathname === '/api/token') {
      // The demo backend signs for its own pages only.
      if (req.headers['sec-fetch-site'] && req.headers['sec-fetch-site'] !== 'same-origin') {
        return sendJson(res, 403, { error: 'same-origin requests only' });
      }
      const body = await readJson(req);
      const { status, body: answer } = await minter.mint(body);
      return sendJson(res, status, answer);
    }
    if (url.pathname === '/favicon.ico') return sendText(res, 204, '');
    return sendText(res, 404, 'not found');
  });
}
