/**
 * SPEC §10 "Two scripts": the built handler serves `panel.js` beside `loader.js` with no
 * option (the build inlines dist/panel.js into the server bundle); `panelScript` overrides it.
 * Uses the built dist, as a user of the package does.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const dist = resolve(import.meta.dirname, '../../dist');
const handlers: { close(): void }[] = [];
afterEach(() => {
  for (const handler of handlers.splice(0)) handler.close();
});

async function builtHandler(options: Record<string, unknown> = {}): Promise<(request: Request) => Promise<Response>> {
  const server = (await import(pathToFileURL(resolve(dist, 'server.js')).href)) as any;
  const handler = server.createMessagingHandler({
    verifier: server.createVerifier(server.defineCommunity({ signedIdentities: 'reject', jwtKeys: [] })),
    allowedOrigins: ['https://shop.test'],
    basePath: '/chatq',
    logger: { warn() {} },
    ...options,
  });
  handlers.push(handler);
  return handler;
}

describe('panel.js from the package, with no option', () => {
  it('is the built dist/panel.js, byte for byte, loadable from any origin with an ETag', async () => {
    const handler = await builtHandler();
    const response = await handler(new Request('https://chat.test/chatq/panel.js', { headers: { Origin: 'https://elsewhere.test' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const built = readFileSync(resolve(dist, 'panel.js'), 'utf8');
    expect(await response.text()).toBe(built.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n'));
    const again = await handler(new Request('https://chat.test/chatq/panel.js', { headers: { 'If-None-Match': etag } }));
    expect(again.status).toBe(304);
  });

  it('panelScript overrides it; a panelScript that is not a script is refused at creation', async () => {
    const handler = await builtHandler({ panelScript: 'void "mine";' });
    expect(await (await handler(new Request('https://chat.test/chatq/panel.js'))).text()).toBe('void "mine";');
    await expect(builtHandler({ panelScript: 42 })).rejects.toMatchObject({ code: 'ERR_HANDLER_CONFIG' });
  });
});

describe('the names loader.js renames (rollup.config.mjs LOADER_ONLY_PROPERTIES)', () => {
  it('are never used by dist/panel.js, which keeps its names: a panel that called one would find nothing there', () => {
    const config = readFileSync(resolve(import.meta.dirname, '../../rollup.config.mjs'), 'utf8');
    const names = [.../LOADER_ONLY_PROPERTIES = \[([^\]]*)\]/.exec(config)![1]!.matchAll(/'(\w+)'/g)].map((m) => m[1]!);
    expect(names).toContain('attach');
    const panel = readFileSync(resolve(dist, 'panel.js'), 'utf8');
    const loader = readFileSync(resolve(dist, 'loader.js'), 'utf8');
    for (const name of names) {
      // A property read or call (`.attach`), or a key or method of an object literal (`attach:`, `attach(`).
      const used = new RegExp(`\\.${name}\\b|[{,]${name}[:(]`);
      expect(panel, name).not.toMatch(used);
      // And loader.js really renamed it (a name left there would be a regex that missed).
      expect(loader, name).not.toMatch(used);
    }
  });
});
