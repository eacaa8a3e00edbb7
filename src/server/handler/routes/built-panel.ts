/**
 * The built panel (`dist/panel.js`, SPEC §10), inlined into the server bundle by the build
 * like the loader (rollup.config.mjs, `inlineBuiltScripts`). Undefined when the handler runs
 * from source: then only `panelScript` serves it.
 */
declare const __CHATQ_BUILT_PANEL__: string | undefined;

export const BUILT_PANEL: string | undefined = typeof __CHATQ_BUILT_PANEL__ === 'string' ? __CHATQ_BUILT_PANEL__ : undefined;
