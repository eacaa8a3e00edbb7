/**
 * What the handler is called with: a Request, or a Hono Context in its place,
 * and what the server passes beside it (`env`, SPEC §6 "Fitting").
 */

/** A Hono Context (`app.all(path, handler)` passes one as the first argument). */
export interface FetchContext {
  readonly req: { readonly raw: Request };
  readonly env?: unknown;
}

/** The Request and the server's env of a call, whether it was given a Request or a Hono Context. */
export function fromCaller(input: Request | FetchContext, env: unknown): { request: Request; env: unknown } {
  if (input instanceof Request) return { request: input, env };
  const raw = (input as Partial<FetchContext> | undefined)?.req?.raw;
  if (raw instanceof Request) return { request: raw, env: (input as FetchContext).env };
  // Not a Request at all: handled as one, so the answer is the usual 4xx/5xx JSON.
  return { request: input as unknown as Request, env };
}

/**
 * How the handler reads a server's `env` (Hono's `c.env`, a fetch handler's
 * second argument): the client's address, which keys the per-address limits
 * with no integrator code where the server exposes it, and the request target
 * the server received, which a framework's mount may have shortened by
 * basePath in the Request it passes on. The package entry gives the reader of
 * Node servers' env (adapter/node-env.ts); the core knows no runtime.
 */
export interface ServerEnvReader {
  clientAddress(request: Request, env: unknown): string | undefined;
  receivedTarget(env: unknown): string | undefined;
}
