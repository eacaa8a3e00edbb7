import { HttpError } from '../http/errors.js';
import type { Reply } from '../http/reply.js';
import type { Route, RouteFn } from './shared/route-types.js';

/**
 * `GET {base}/panel.js` (SPEC §10 "Two scripts"): the conversation panel, which loader.js
 * fetches with a script element on first open or when the page is idle. Served as loader.js
 * is (strong ETag, short cache, any origin, CORP cross-origin): the two come from one build.
 * `source` is `panelScript`, else the built-in panel (routes/built-panel.ts); `serveScript` is loader.js's (routes/loader.ts), passed in: a route imports no other route.
 */
export function createPanelRoute(
  source: string | (() => Promise<string>) | undefined,
  serveScript: (source: string | (() => Promise<string>)) => (request: Request) => Promise<Reply>,
): Route {
  const serve = source === undefined ? undefined : serveScript(source);
  // async: the 404 is a rejected Promise, as RouteFn's type says, for any caller, not only the router.
  const panel: RouteFn = async (_, call) => {
    if (!serve) throw new HttpError(404, 'ERR_NOT_FOUND', 'panel.js is not configured: pass panelScript to createMessagingHandler.');
    return serve(call.request);
  };
  return { methods: { GET: panel, HEAD: panel }, public: true };
}
