// The demo chat server: chatq's messaging handler mounted once per mode, the
// front page that explains what to try; agents answer in the inbox each handler serves at {base}/inbox/.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createMessagingHandler } from '../../dist/server.js';
import { toNodeListener } from '../../dist/node.js';
import { loopbackHost, sendFile, sendJson, sendText } from './http.mjs';

const ROOT = fileURLToPath(new URL('../public/chat', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist', import.meta.url));

/** The chat origin's own pages (the front page): nothing but this origin. */
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const STATIC = new Set(['front.css', 'front.js']);


/**
 * @param {{ mounts: {base:string, mode:string, verifier:object}[], hostOrigins: string[],
 *           hostUrl: () => string, agentToken: string, loaderScript: string, shownConfig: string,
 *           engine?: object }} options  `engine`: one engine shared by every mount (the Redis engine with --redis)
 */
export function createChatSite({ mounts, hostOrigins, hostUrl, agentToken, loaderScript, shownConfig, engine }) {
  // The handlers are made once the server listens: only then is the chat
  // origin known (--port 0). The inbox on this origin calls the agent API
  // same-origin, and the handler never takes "same origin" from the Host header.
  /** @type {{ base: string, mode: string, handler: any, listener: any }[]} */
  let handlers = [];
  const createHandlers = (port) =>
    mounts.map(({ base, mode, verifier }) => {
      const handler = createMessagingHandler({
        verifier,
        // The host site, plus this site under its other loopback name (loopbackHost answers both).
        allowedOrigins: [...hostOrigins, `http://localhost:${port}`],
        publicOrigin: `http://127.0.0.1:${port}`,
        basePath: base,
        // One agent with a name the visitor sees on replies (SPEC §11).
        agents: [{ id: 'dana', name: 'Dana from Support', token: agentToken }],
        replyTime: 'Usually replies within minutes',
        loaderScript,
        ...(engine ? { engine } : {}),
        // Every tab of the demo comes from 127.0.0.1: a per-address limit meant for one visitor would trip while exploring.
        limits: { registrationsPerMinutePerAddress: 600 },
      });
      return { base, mode, handler, listener: toNodeListener(handler) };
    });
  const mountList = () => mounts.map(({ base, mode }) => ({ base, mode }));

  const server = createServer((req, res) => {
    // Before anything (the agent credential, the handler): only our own loopback name.
    if (!loopbackHost(req)) return sendText(res, 421, 'unknown host');
    const url = new URL(req.url ?? '/', 'http://chat');
    const path = url.pathname;
    const mounted = handlers.find((h) => path === h.base || path.startsWith(`${h.base}/`));
    if (mounted) return mounted.listener(req, res);
    if (req.method !== 'GET') return sendText(res, 405, 'method not allowed');
    const headers = { 'content-security-policy': PAGE_CSP };
    if (path === '/' || path === '/index.html') return sendFile(res, ROOT, 'index.html', headers);
    // The agent side is the package's inbox, served by the handler (SPEC §11): /agent is a shortcut to the first mount's.
    if (path === '/agent' && mounts.length > 0) return sendText(res, 302, 'see the inbox', { location: `${mounts[0].base}/inbox/` });
    if (STATIC.has(path.slice(1))) return sendFile(res, ROOT, path.slice(1));
    if (path === '/static/client.js') {
      // The ESM build for the host site's ESM page: a cross-origin module import needs CORS.
      const origin = req.headers.origin;
      const cors = origin && hostOrigins.includes(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' };
      return sendFile(res, DIST, 'client.js', cors);
    }
    if (path === '/go/host') {
      const mode = url.searchParams.get('mode') ?? '';
      const page = url.searchParams.get('page') === 'esm' ? '/esm' : '/';
      const embedded = url.searchParams.get('embedded') === '1' ? '&embedded=1' : '';
      return sendText(res, 302, 'see host site', { location: `${hostUrl()}${page}?mode=${encodeURIComponent(mode)}${embedded}` });
    }
    if (path === '/demo/community') return sendJson(res, 200, { community: shownConfig, mounts: mountList() });
    if (path === '/favicon.ico') return sendText(res, 204, '');
    return sendText(res, 404, 'not found');
  });

  server.on('listening', () => {
    for (const { handler } of handlers) handler.close?.();
    handlers = createHandlers(server.address().port);
  });

  return {
    server,
    /** SIGTERM (SPEC §8): refuse new requests, end streams so widgets reconnect elsewhere. */
    drain: () => {
      for (const { handler } of handlers) handler.drain?.();
    },
    close: async () => {
      for (const { handler } of handlers) await handler.close?.();
    },
  };
}
