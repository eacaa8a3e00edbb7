/**
 * Lets plain `node` run the soak's TypeScript and the widget's own sources
 * (src/client/**.ts): Node 24 strips/transforms the types itself
 * (`--experimental-transform-types`); this hook only maps the sources'
 * `./x.js` import specifiers to the `./x.ts` file beside them, as tsc does.
 *
 *   node --experimental-transform-types --import ./bench/soak/ts-hooks.mjs bench/soak/run.ts
 */
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.endsWith('.js') && (specifier.startsWith('.') || specifier.startsWith('/')) && context.parentURL?.startsWith('file:')) {
      const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
      if (existsSync(fileURLToPath(url))) return nextResolve(url.href, context);
    }
    return nextResolve(specifier, context);
  },
});
