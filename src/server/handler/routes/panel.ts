import { HttpError } from '../http/errors.js';
import type { Route, RouteFn } from '../router.js';
import { BUILT_PANEL } from './built-panel.js';
import { createLoaderRoute } from './loader.js';

/**
 * `GET {base}/panel.js` (SPEC §10 "Two scripts"): the conversation panel, which loader.js
 * fetches with a script element on first open or when the page is idle. Served as loader.js
 * is (strong ETag, short cache, any origin, CORP cross-origin): the two come from one build.
 */
export function createPanelRoute(source: string | (() => Promise<string>) | undefined): Route {
  const text = source ?? BUILT_PANEL;
  const serve = text === undefined ? undefined : createLoaderRoute(text);
  const panel: RouteFn = (_, call) => {
    if (!serve) throw new HttpError(404, 'ERR_NOT_FOUND', 'panel.js is not configured: pass panelScript to createMessagingHandler.');
    return serve(call.request);
  };
  return { methods: { GET: panel, HEAD: panel }, public: true };
}
