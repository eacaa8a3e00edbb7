import { request as httpRequest } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessagingHandler } from '../../../../src/server/handler/index.js';
import { toNodeListener } from '../../../../src/server/node/index.js';
import { automatedUuid, HOST_ORIGIN, listenOnLoopback, register, useHandlers } from '../helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
const handlers = useHandlers();

/** Opens GET /v1/stream over node:http; resolves once its first bytes arrived. */
function openStream(url: string, session: string): Promise<{ close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/v1/stream`, { headers: { Origin: HOST_ORIGIN, Authorization: `Bearer ${session}` } }, (res) => {
      expect(res.statusCode).toBe(200);
      res.once('data', () => resolve({ close: () => req.destroy() }));
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

describe('toNodeListener: what an open stream keeps', () => {
  it('lets its request go once the stream is open (no listener holds it for the stream\'s life)', async () => {
    const handler = handlers();
    let seen: WeakRef<Request> | undefined;
    // The handler itself, watched: a weak reference to the Request the adapter made.
    const watched = Object.assign((request: Request, env?: unknown) => handler(request, env), {
      basePath: handler.basePath,
      close: () => handler.close(),
      reply: (request: Request, env?: unknown) => {
        if (new URL(request.url).pathname === '/v1/stream') seen = new WeakRef(request);
        return handler.reply(request, env);
      },
    }) as unknown as MessagingHandler;
    const { url, close } = await listenOnLoopback(toNodeListener(watched));
    cleanups.push(close);
    const { session } = await register(handler, { automatedUuid: automatedUuid() });
    const stream = await openStream(url, session);
    cleanups.push(stream.close);
    for (let i = 0; i < 5 && seen?.deref(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
    }
    expect(seen).toBeDefined();
    expect(seen!.deref()).toBeUndefined();
  });
});
