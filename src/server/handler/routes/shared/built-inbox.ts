/**
 * The built inbox (`dist/inbox.js`), inlined into the server bundle by the
 * build as the loader is (rollup.config.mjs), so `{base}/inbox/` needs no
 * option. Undefined when the handler runs from source (its unit tests).
 */
declare const __CHATQ_BUILT_INBOX__: string | undefined;

export const BUILT_INBOX: string | undefined = typeof __CHATQ_BUILT_INBOX__ === 'string' ? __CHATQ_BUILT_INBOX__ : undefined;
