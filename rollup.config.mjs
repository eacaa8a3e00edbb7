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
 * size-budget.json) and prints gzip and brotli sizes for the issue notes.
 */
function sizeBudget() {
  return {
    name: 'size-budget',
    generateBundle(_options, bundle) {
      for (const [file, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk' || !(file in budget)) continue;
        const raw = Buffer.from(chunk.code);
        const gzip = gzipSync(raw, { level: 9 }).length;
        const brotli = brotliCompressSync(raw, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
        }).length;
        const limit = budget[file];
        console.log(`size ${file}: ${raw.length} B raw, ${gzip} B gzip, ${brotli} B brotli (budget ${limit} B gzip)`);
        if (gzip > limit) this.error(`${file} is ${gzip} B gzip, over its budget of ${limit} B (size-budget.json).`);
      }
    },
  };
}

const BUILT_LOADER_MODULE = /src[\\/]server[\\/]handler[\\/]routes[\\/]built-loader\.ts$/;

/**
 * Inlines dist/loader.js, built by the config before this one, into the server
 * bundle, so the handler serves loader.js with no `loaderScript` option
 * (SPEC §6 "Fitting"). Its sourceMappingURL comment is dropped: the map is
 * not served beside it.
 */
function inlineBuiltLoader() {
  return {
    name: 'inline-built-loader',
    transform(code, id) {
      if (!BUILT_LOADER_MODULE.test(id)) return null;
      const file = new URL('./dist/loader.js', import.meta.url);
      this.addWatchFile(file.pathname);
      let text;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        this.error('dist/loader.js is missing: the loader must be built before the server bundle (rollup.config.mjs order).');
      }
      text = text.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
      return { code: code.replaceAll('__CHATQ_BUILT_LOADER__', JSON.stringify(text)), map: null };
    },
  };
}

const ts = () =>
  typescript({ tsconfig: './tsconfig.json', include: ['src/**/*.ts'], compilerOptions: { noEmit: false } });

const external = (id) => id === 'jose' || id === 're2js' || id === 'ioredis' || id.startsWith('node:');

// The loader first: the server bundle inlines the built dist/loader.js (inlineBuiltLoader).
export default [
  {
    input: 'src/client/loader.ts',
    plugins: [ts(), terser({ compress: { passes: 2 } }), sizeBudget()],
    output: { file: 'dist/loader.js', format: 'iife', sourcemap: true },
  },
  {
    input: { server: 'src/server/index.ts', redis: 'src/server/engine/redis/index.ts', sqlite: 'src/server/engine/sqlite/index.ts', sign: 'src/sign/index.ts', cli: 'src/cli/index.ts' },
    external,
    plugins: [ts(), inlineBuiltLoader()],
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
