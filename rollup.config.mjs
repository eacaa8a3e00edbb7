import { readFileSync, rmSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';

const budget = JSON.parse(readFileSync(new URL('./size-budget.json', import.meta.url), 'utf8'));

// Shared chunks are content-hashed: without this, every build would leave the last
// build's chunks behind in dist/ (and in a package packed from a working copy).
rmSync(new URL('./dist/shared', import.meta.url), { recursive: true, force: true });

/**
 * Fails the build when a browser bundle grows past its budget (gzip bytes,
 * size-budget.json) and prints gzip and brotli sizes for the issue notes. The
 * ESM build (client.js, which carries the panel) is reported, not budgeted (SPEC §10).
 */
function sizeBudget() {
  return {
    name: 'size-budget',
    generateBundle(_options, bundle) {
      for (const [file, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const raw = Buffer.from(chunk.code);
        const gzip = gzipSync(raw, { level: 9 }).length;
        const brotli = brotliCompressSync(raw, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
        }).length;
        const limit = budget[file];
        console.log(`size ${file}: ${raw.length} B raw, ${gzip} B gzip, ${brotli} B brotli (${limit ? `budget ${limit} B gzip` : 'no budget'})`);
        if (limit && gzip > limit) this.error(`${file} is ${gzip} B gzip, over its budget of ${limit} B (size-budget.json).`);
      }
    },
  };
}

/** Prints a bundle's gzip size (no budget: the inbox is loaded by agents, not by every visitor). */
function sizeReport() {
  return {
    name: 'size-report',
    generateBundle(_options, bundle) {
      for (const [file, chunk] of Object.entries(bundle)) {
        if (chunk.type === 'chunk') console.log(`size ${file}: ${chunk.code.length} B raw, ${gzipSync(Buffer.from(chunk.code), { level: 9 }).length} B gzip`);
      }
    },
  };
}

/** Built browser scripts the server bundle carries as strings: the module that stands for each, and its placeholder. */
const BUILT_SCRIPTS = [
  { module: /src[\\/]server[\\/]handler[\\/]routes[\\/]built-loader\.ts$/, placeholder: '__CHATQ_BUILT_LOADER__', file: 'loader.js' },
  { module: /src[\\/]server[\\/]handler[\\/]routes[\\/]built-panel\.ts$/, placeholder: '__CHATQ_BUILT_PANEL__', file: 'panel.js' },
  { module: /src[\\/]server[\\/]handler[\\/]routes[\\/]shared[\\/]built-inbox\.ts$/, placeholder: '__CHATQ_BUILT_INBOX__', file: 'inbox.js' },
];

/**
 * Inlines dist/loader.js, dist/panel.js and dist/inbox.js, built by the configs
 * before this one, into the server bundle, so the handler serves them with no
 * option (SPEC §6 "Fitting", §10, §11). Their sourceMappingURL comments are
 * dropped: the maps are not served beside them.
 */
function inlineBuiltScripts() {
  return {
    name: 'inline-built-scripts',
    transform(code, id) {
      const built = BUILT_SCRIPTS.find((entry) => entry.module.test(id));
      if (!built) return null;
      const file = new URL(`./dist/${built.file}`, import.meta.url);
      this.addWatchFile(file.pathname);
      let text;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        this.error(`dist/${built.file} is missing: it must be built before the server bundle (rollup.config.mjs order).`);
      }
      text = text.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
      // A function, not a string: in a replacement string `$&`, `$'` and `$$` are patterns, and
      // minified code holds them (`this.#$&&…` became the placeholder itself).
      const literal = JSON.stringify(text);
      return { code: code.replaceAll(built.placeholder, () => literal), map: null };
    },
  };
}

const ts = () =>
  typescript({ tsconfig: './tsconfig.json', include: ['src/**/*.ts'], compilerOptions: { noEmit: false } });

const external = (id) => id === 'jose' || id === 're2js' || id === 'ioredis' || id.startsWith('node:');

/**
 * Methods and fields of the loader's own parts (the chat, the session machine, the clock, the
 * policy source, the supersession, the deps object) that panel.js never touches: terser renames
 * them in loader.js only (every host page pays for each name). panel.js is a separate build that
 * would not know the short names, so a name here must never be used by the panel's half
 * (conversation/shown.ts, outbox.ts, panel/**): test/package/panel.test.ts holds dist/panel.js to that.
 */
// Names the DOM also uses (check, dispose, wake, rules, changed, detach…) are never renamed by terser: not listed.
const LOADER_ONLY_PROPERTIES = ['stopStream', 'pageChange', 'syncClock', 'supersede', 'whenKnown', 'unreached', 'anonymous', 'handOver', 'receive', 'fromTab', 'attach', 'stopWake', 'lose', 'outage', 'fire', 'onConnected', 'onFatal', 'onEvent', 'onChange', 'renewal', 'ticket', 'later', 'script', 'bundled', 'epoch', 'feed', 'fail', 'chat', 'launcher'];

// The loader, the panel and the inbox first: the server bundle inlines them (inlineBuiltScripts).
export default [
  {
    input: 'src/client/loader.ts',
    // A third pass still folds a few bytes out of the loader (every host page pays for it).
    plugins: [
      ts(),
      terser({
        ecma: 2022,
        // `unsafe`: String(x) as x + '' and the like, for the strings, numbers and booleans the loader converts; `unsafe_methods`:
        // function-valued keys as methods (none is ever called with `new`). The e2e suite runs on this build.
        compress: { passes: 3, ecma: 2022, unsafe: true, unsafe_methods: true },
        mangle: { properties: { regex: new RegExp(`^(${LOADER_ONLY_PROPERTIES.join('|')})$`), keep_quoted: 'strict' } },
      }),
      sizeBudget(),
    ],
    output: { file: 'dist/loader.js', format: 'iife', sourcemap: true },
  },
  {
    // {base}/panel.js (SPEC §10): fetched by loader.js when the panel is first needed.
    input: 'src/client/panel/entry.ts',
    plugins: [ts(), terser({ compress: { passes: 2 } }), sizeBudget()],
    output: { file: 'dist/panel.js', format: 'iife', sourcemap: true },
  },
  {
    // `chatq/inbox`, and the script of {base}/inbox/: one self-contained ES module.
    input: 'src/inbox/index.ts',
    plugins: [ts(), terser({ module: true, compress: { passes: 2 } }), sizeReport()],
    output: { file: 'dist/inbox.js', format: 'es', sourcemap: true },
  },
  {
    input: { server: 'src/server/index.ts', node: 'src/server/node/index.ts', redis: 'src/server/engine/redis/index.ts', sqlite: 'src/server/engine/sqlite/index.ts', sign: 'src/sign/index.ts', cli: 'src/cli/bin.ts' },
    external,
    plugins: [ts(), inlineBuiltScripts()],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'shared/[name]-[hash].js',
      sourcemap: true,
      // `npx chatq` runs dist/cli.js directly.
      banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
    },
  },
  {
    input: { client: 'src/client/index.ts' },
    plugins: [ts(), terser({ module: true, compress: { passes: 2 } }), sizeBudget()],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', sourcemap: true },
  },
];
