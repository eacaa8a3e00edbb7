/**
 * What the other runtimes pass beside the Request, as the handler reads it
 * (SPEC §6 "Fitting": the per-address limits see the client's address with no
 * integrator code where the runtime exposes it). Duck-typed, like
 * node-env.ts: nothing here imports a runtime.
 *
 * - Bun: `Bun.serve({ fetch(request, server) })` passes its server, whose
 *   `requestIP(request)` tells the peer; Hono on Bun hands that server on as
 *   `c.env`, and `app.mount()` passes `c.env` to the handler.
 * - Deno: `Deno.serve((request, info) => …)` passes `info.remoteAddr`; Hono on
 *   Deno the same as `c.env`.
 * - Cloudflare Workers: the peer is in `CF-Connecting-IP`, which Cloudflare
 *   sets on every request it forwards. Read only when the runtime is Workers
 *   (its `navigator.userAgent`): anywhere else a client could send that header
 *   itself and pick its own rate-limit bucket.
 */
import type { ServerEnvReader } from '../caller.js';
import { nodeServerEnv } from './node-env.js';

export const serverEnv: ServerEnvReader = {
  clientAddress: (request, env) =>
    nodeServerEnv.clientAddress(request, env) ?? bunAddress(request, env) ?? denoAddress(env) ?? workersAddress(request),
  receivedTarget: (env) => nodeServerEnv.receivedTarget(env),
};

function bunAddress(request: Request, env: unknown): string | undefined {
  const requestIP = typeof env === 'object' && env !== null ? (env as { requestIP?: unknown }).requestIP : undefined;
  if (typeof requestIP !== 'function') return undefined;
  try {
    return text((requestIP.call(env, request) as { address?: unknown } | null)?.address);
  } catch {
    // A Request Bun did not receive (a framework's copy): no address rather than a failed request.
    return undefined;
  }
}

function denoAddress(env: unknown): string | undefined {
  const remote = typeof env === 'object' && env !== null ? (env as { remoteAddr?: { hostname?: unknown } }).remoteAddr : undefined;
  return text(remote?.hostname);
}

function workersAddress(request: Request): string | undefined {
  const onWorkers = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent === 'Cloudflare-Workers';
  return onWorkers ? text(request.headers.get('CF-Connecting-IP')) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
