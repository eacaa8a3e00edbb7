/**
 * The built widget (`dist/loader.js`), inlined into the server bundle by the
 * build (rollup.config.mjs, `inlineBuiltLoader`, which builds the loader
 * first), so the handler serves `loader.js` with no option (SPEC §6
 * "Fitting"). Undefined when the handler runs from source (its unit tests):
 * then only `loaderScript` serves it.
 */
declare const __CHATQ_BUILT_LOADER__: string | undefined;

export const BUILT_LOADER: string | undefined = typeof __CHATQ_BUILT_LOADER__ === 'string' ? __CHATQ_BUILT_LOADER__ : undefined;
