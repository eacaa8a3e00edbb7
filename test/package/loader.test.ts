/**
 * SPEC §6 "Fitting": the handler serves `loader.js` with no option, the
 * built widget shipping inside the server bundle; `loaderScript` still
 * overrides it. Uses the built dist (`npm test` builds first), as a user of
 * the package does.
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

/** A handler made by the built `chatq/server`. */
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

describe('loader.js from the package, with no option', () => {
  it('is the built dist/loader.js (without its source map comment), with an ETag', async () => {
    const handler = await builtHandler();
    const response = await handler(new Request('https://chat.test/chatq/loader.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const built = readFileSync(resolve(dist, 'loader.js'), 'utf8');
    const served = await response.text();
    expect(served).toBe(built.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n'));
    expect(served).not.toContain('sourceMappingURL');
  });

  it('loaderScript still overrides it', async () => {
    const handler = await builtHandler({ loaderScript: 'void "mine";' });
    const response = await handler(new Request('https://chat.test/chatq/loader.js'));
    expect(await response.text()).toBe('void "mine";');
  });
});
