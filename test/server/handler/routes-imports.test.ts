/**
 * Routes share steps through routes/shared/ and never import each other, so a
 * route can be changed without reading its siblings (issue 12, item 5); and
 * the handler's core sees only web Requests and Responses: what is Node's
 * lives in adapter/ (issue 12, item 4).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROUTES = new URL('../../../src/server/handler/routes/', import.meta.url);
const relativeImports = (file: URL): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
const tsFiles = (dir: URL): string[] => readdirSync(dir).filter((name) => name.endsWith('.ts'));
const HANDLER = new URL('../../../src/server/handler/', import.meta.url);
/** Every .ts file under the handler outside adapter/, relative to it. */
const outsideAdapter = (readdirSync(HANDLER, { recursive: true }) as string[])
  .map((name) => name.replaceAll('\\', '/'))
  .filter((name) => name.endsWith('.ts') && !name.startsWith('adapter/'));

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

describe('the core sees only Request and Response: Node lives in adapter/', () => {
  it('the handler has a core and an adapter', () => {
    expect(outsideAdapter).toEqual(expect.arrayContaining(['create.ts', 'http/reply.ts', 'live/sse.ts', 'routes/stream.ts']));
  });

  it.each(outsideAdapter)('%s imports no node:* module and names no Node request or response', (name) => {
    const text = readFileSync(new URL(name, HANDLER), 'utf8');
    expect(text).not.toMatch(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]node:/);
    expect(text).not.toMatch(/\b(?:IncomingMessage|ServerResponse|NodeRequest)\b/);
  });

  it.each(outsideAdapter)('%s carries no marker for an adapter (no Symbol.for, no incomingKey)', (name) => {
    const text = readFileSync(new URL(name, HANDLER), 'utf8');
    expect(text).not.toMatch(/Symbol\.for\(|\bincomingKey\b|\bINCOMING_KEY\b/);
  });

  it.each(outsideAdapter.filter((name) => name !== 'index.ts'))('%s does not import the adapter (only the entry, index.ts, does)', (name) => {
    const imports = relativeImports(new URL(name, HANDLER)).map((path) => new URL(path, new URL(name, HANDLER)).href);
    expect(imports.filter((href) => href.startsWith(new URL('adapter/', HANDLER).href))).toEqual([]);
  });
});
