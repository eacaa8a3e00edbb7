/**
 * What a server passes beside the Request, read without `node:*` (SPEC §6
 * "Fitting": the per-address limits see the real client address with no
 * integrator code where the runtime exposes it).
 *
 * `@hono/node-server` hands Hono `{ incoming, outgoing }` as `c.env`, the
 * Node request and response; Hono's `app.mount()` passes `c.env` on as the
 * handler's second argument. The lightweight Request it builds also keeps
 * the IncomingMessage under a private symbol (`Symbol('incomingKey')`, in its
 * request.ts), so `(c) => handler(c.req.raw)` carries it too.
 */

/** The members of a Node IncomingMessage read here. */
export interface IncomingLike {
  readonly url?: unknown;
  readonly socket?: { readonly remoteAddress?: unknown } | null;
}

/** A Hono Context (`app.all(path, handler)` passes one as the first argument). */
export interface FetchContext {
  readonly req: { readonly raw: Request };
  readonly env?: unknown;
}

/** The Request and the runtime's env of a call, whether it was given a Request or a Hono Context. */
export function fromCaller(input: Request | FetchContext, env: unknown): { request: Request; env: unknown } {
  if (input instanceof Request) return { request: input, env };
  const raw = (input as Partial<FetchContext> | undefined)?.req?.raw;
  if (raw instanceof Request) return { request: raw, env: (input as FetchContext).env };
  // Not a Request at all: handled as one, so the answer is the usual 4xx/5xx JSON.
  return { request: input as unknown as Request, env };
}

/** `env.incoming` when it is a Node request (`@hono/node-server`'s c.env). */
export function incomingOfEnv(env: unknown): IncomingLike | undefined {
  const incoming = typeof env === 'object' && env !== null ? (env as { incoming?: unknown }).incoming : undefined;
  return isIncoming(incoming) ? incoming : undefined;
}

/** The Node request a `@hono/node-server` Request keeps under its `incomingKey` symbol, if this is one. */
export function incomingOfRequest(request: Request): IncomingLike | undefined {
  for (const key of Object.getOwnPropertySymbols(request)) {
    if (key.description !== 'incomingKey') continue;
    const value = (request as unknown as Record<symbol, unknown>)[key];
    if (isIncoming(value)) return value;
  }
  return undefined;
}

/** The peer address of a Node request's socket. */
export function socketAddress(incoming: IncomingLike | undefined): string | undefined {
  const address = incoming?.socket?.remoteAddress;
  return typeof address === 'string' && address !== '' ? address : undefined;
}

/**
 * `pathname` as the handler's own when a mount in front of it stripped
 * exactly `basePath` (Hono's `app.mount('/chatq', handler)` hands on
 * `/v1/identity`): only when the request target the server received, which
 * the app's own rules matched, was `{basePath}{pathname}`. A path that was
 * never under basePath stays outside (404): the handler must not answer
 * `/agent/…` to a catch-all route that an app rule on `/chatq/agent` never saw.
 */
export function mountedPath(pathname: string, basePath: string, incoming: IncomingLike | undefined): string | undefined {
  if (basePath === '' || typeof incoming?.url !== 'string') return undefined;
  const target = incoming.url;
  const end = target.search(/[?#]/);
  return (end < 0 ? target : target.slice(0, end)) === `${basePath}${pathname}` ? pathname : undefined;
}

function isIncoming(value: unknown): value is IncomingLike {
  return typeof value === 'object' && value !== null && 'socket' in value && 'url' in value;
}
