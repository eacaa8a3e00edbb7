/**
 * SPEC §6 "Fitting": on Bun, Deno and Workers the per-address limits see each
 * visitor's address with no `clientAddress` option, from what each runtime
 * passes beside the Request (adapter/fetch-env.ts). None of these runtimes runs
 * on this machine: the handler is called here exactly as they call it — Bun
 * with its server (`requestIP`), Deno with its `info`, Workers with the
 * `CF-Connecting-IP` header under the Workers user agent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { automatedUuid, makeHandler, req } from '../helpers.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Registrations answered for each caller, with one registration a minute per address. */
async function statuses(callers: { env?: unknown; headers?: Record<string, string> }[]): Promise<number[]> {
  const warned: string[] = [];
  const handler = makeHandler({ limits: { registrationsPerMinutePerAddress: 1 }, logger: { warn: (m: string) => warned.push(m) } });
  const out: number[] = [];
  for (const { env, headers } of callers) {
    const request = req('/v1/identity', { body: { automatedUuid: automatedUuid() }, ...(headers && { headers }) });
    out.push((await handler(request, typeof env === 'function' ? env(request) : env)).status);
  }
  handler.close();
  return out;
}

describe('the client address from the runtime, with no option', () => {
  it('Bun: the server passed beside the Request (Bun.serve, Hono on Bun) tells each peer', async () => {
    const bunServer = (addresses: Map<Request, string>) => ({ requestIP: (request: Request) => ({ address: addresses.get(request), family: 'IPv4', port: 1 }) });
    const addresses = new Map<Request, string>();
    const server = bunServer(addresses);
    const as = (address: string) => ({ env: (request: Request) => (addresses.set(request, address), server) });
    // One registration a minute per address: a second peer has its own bucket, the first peer's second try is refused.
    expect(await statuses([as('203.0.113.1'), as('203.0.113.2'), as('203.0.113.1')])).toEqual([200, 200, 429]);
  });

  it('Deno: info.remoteAddr (Deno.serve, Hono on Deno)', async () => {
    const as = (hostname: string) => ({ env: { remoteAddr: { transport: 'tcp', hostname, port: 5000 } } });
    expect(await statuses([as('198.51.100.7'), as('198.51.100.8'), as('198.51.100.7')])).toEqual([200, 200, 429]);
  });

  it('Workers: CF-Connecting-IP, read only under the Workers runtime', async () => {
    const as = (ip: string) => ({ headers: { 'CF-Connecting-IP': ip } });
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    expect(await statuses([as('192.0.2.1'), as('192.0.2.2'), as('192.0.2.1')])).toEqual([200, 200, 429]);
    // Anywhere else the header is the client's to forge: it picks no bucket (all share "unknown").
    vi.stubGlobal('navigator', { userAgent: 'Node.js/20' });
    expect(await statuses([as('192.0.2.1'), as('192.0.2.2')])).toEqual([200, 429]);
  });

  it('a runtime object that throws or answers nothing gives no address, never a failed request', async () => {
    const throwing = { env: { requestIP: () => { throw new TypeError('not a request this server received'); } } };
    const empty = { env: { requestIP: () => null } };
    expect(await statuses([throwing, empty])).toEqual([200, 429]);
  });
});
