/**
 * SPEC §13: streams send `Cache-Control: no-cache, no-transform`, so
 * compression middleware passes them through unbuffered. Express's
 * `compression()` gzips every compressible answer (text/event-stream is one)
 * and holds the gzip output until a flush that never comes: without
 * `no-transform`, the agent's reply never reaches the visitor's stream.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import compression from 'compression';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from '../../../../src/server/node/index.js';
import { HOST_ORIGIN, useHandlers } from '../helpers.js';
import { chatOverHttp, registerOverHttp } from '../over-http.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
const makeHandler = useHandlers();

/** Express with express.json() and compression() mounted before chatq, as apps have them. */
async function compressedApp(): Promise<string> {
  const app = express();
  app.use(express.json());
  app.use(compression());
  app.get('/api/catalog', (_req, res) => void res.json({ items: 'x'.repeat(4096) }));
  app.use(toNodeListener(makeHandler({ basePath: '/chatq', limits: { heartbeatMs: 50 } })));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('streams behind Express compression()', () => {
  it('the app is really compressing: its own JSON answer arrives gzipped', async () => {
    const base = await compressedApp();
    const response = await fetch(`${base}/api/catalog`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
  });

  it('the visitor stream says no-transform and is left uncompressed', async () => {
    const base = await compressedApp();
    const { body } = await registerOverHttp(`${base}/chatq`);
    const abort = new AbortController();
    const stream = await fetch(`${base}/chatq/v1/stream`, {
      headers: { Authorization: `Bearer ${body.session}`, Origin: HOST_ORIGIN, 'Accept-Encoding': 'gzip' },
      signal: abort.signal,
    });
    expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(stream.headers.get('content-encoding')).toBeNull();
    abort.abort();
  });

  it("the agent's reply reaches the visitor's open stream", async () => {
    await chatOverHttp(`${await compressedApp()}/chatq`);
  });
});
