/**
 * What a Node server passes beside the Request, as the handler reads it
 * (caller.ts, SPEC §6 "Fitting": the per-address limits see the socket's
 * address with no integrator code).
 *
 * `@hono/node-server` hands Hono `{ incoming, outgoing }` as `c.env`, the
 * Node request and response; Hono's `app.mount()` passes `c.env` on as the
 * handler's second argument, and toNodeListener passes the same. The
 * lightweight Request @hono/node-server builds also keeps the IncomingMessage
 * under a symbol described `incomingKey` (its request.ts), and so does
 * toNodeListener's (node-request.ts), so a handler called as
 * `(c) => handler(c.req.raw)`, or wrapped in a function that passes the
 * Request on without the env, still finds it. Duck-typed: nothing here
 * imports `node:*`, and on other runtimes it reads nothing.
 */
import type { ServerEnvReader } from '../caller.js';

/** The members of a Node IncomingMessage read here. */
interface IncomingLike {
  readonly url?: unknown;
  readonly socket?: { readonly remoteAddress?: unknown } | null;
}

export const nodeServerEnv: ServerEnvReader = {
  clientAddress: (request, env) => socketAddress(incomingOfEnv(env) ?? incomingOfRequest(request)),
  receivedTarget(env) {
    const url = incomingOfEnv(env)?.url;
    return typeof url === 'string' ? url : undefined;
  },
};

/** `env.incoming` when it is a Node request (`@hono/node-server`'s c.env, toNodeListener's env). */
function incomingOfEnv(env: unknown): IncomingLike | undefined {
  const incoming = typeof env === 'object' && env !== null ? (env as { incoming?: unknown }).incoming : undefined;
  return isIncoming(incoming) ? incoming : undefined;
}

/** Where toNodeListener's Requests keep their IncomingMessage (described as @hono/node-server's own key is). */
export const INCOMING_KEY = Symbol('incomingKey');

/** The Node request a Request keeps under an `incomingKey` symbol (toNodeListener's, or @hono/node-server's), if it does. */
function incomingOfRequest(request: Request): IncomingLike | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const own = (request as { [INCOMING_KEY]?: unknown })[INCOMING_KEY];
  if (isIncoming(own)) return own;
  for (const key of Object.getOwnPropertySymbols(request)) {
    if (key.description !== 'incomingKey') continue;
    const value = (request as unknown as Record<symbol, unknown>)[key];
    if (isIncoming(value)) return value;
  }
  return undefined;
}

/** The peer address of a Node request's socket. */
function socketAddress(incoming: IncomingLike | undefined): string | undefined {
  const address = incoming?.socket?.remoteAddress;
  return typeof address === 'string' && address !== '' ? address : undefined;
}

function isIncoming(value: unknown): value is IncomingLike {
  return typeof value === 'object' && value !== null && 'socket' in value && 'url' in value;
}
