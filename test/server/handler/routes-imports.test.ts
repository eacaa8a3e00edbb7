/**
 * Routes share steps through routes/shared/ and never import each other, so a
 * route can be changed without reading its siblings (issue 12, item 5).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROUTES = new URL('../../../src/server/handler/routes/', import.meta.url);
const relativeImports = (file: URL): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
const tsFiles = (dir: URL): string[] => readdirSync(dir).filter((name) => name.endsWith('.ts'));

describe('routes/', () => {
  it.each(tsFiles(ROUTES))('%s imports no other route (shared steps come from ./shared/)', (name) => {
    const siblings = relativeImports(new URL(name, ROUTES)).filter((path) => /^\.\/[^/]+$/.test(path));
    expect(siblings).toEqual([]);
  });

  it.each(tsFiles(new URL('shared/', ROUTES)))('shared/%s imports no route', (name) => {
    const routes = relativeImports(new URL(`shared/${name}`, ROUTES)).filter((path) => /^\.\.\/[^/.]+\.js$/.test(path));
    expect(routes).toEqual([]);
  });
});
