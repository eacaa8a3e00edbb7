import { incomingOfRequest, socketAddress } from './runtime-env.js';

/**
 * What an adapter knows about a Request it built that the Request itself
 * cannot carry (the core needs no `node:*`): its peer address, keyed by the
 * Request in a WeakMap (nothing outlives the request), and how to read its
 * body whole.
 */
const addresses = new WeakMap<Request, string>();

/** For adapters: remember the peer address of a request they created (the per-address rate-limit key). */
export function setClientAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address);
}

/** For the handler: the peer address a runtime passed beside the request (runtime-env.ts), unless an adapter already gave one. */
export function setRuntimeClientAddress(request: Request, address: string | undefined): void {
  if (address && !addresses.has(request)) addresses.set(request, address);
}

/** The peer address an adapter or runtime gave, else the one of the Node request a `@hono/node-server` Request keeps. */
export function adapterClientAddress(request: Request): string | undefined {
  return addresses.get(request) ?? socketAddress(incomingOfRequest(request));
}

/**
 * Reads a Request's whole body, at most `maxBytes`: rejects with an error
 * named `BodyTooLargeError` past them, `BodyTimeoutError` when the body did
 * not arrive within the adapter's deadline (SPEC §6 "Bounds"), any other
 * error when the client went away.
 */
export type WholeBodyReader = (maxBytes: number) => Promise<Uint8Array>;

const WHOLE = Symbol.for('chatq.wholeBody');

/**
 * The key under which an adapter's request object carries its
 * WholeBodyReader (a method of NodeRequest). Not a WeakMap entry like the
 * address: a WeakMap value that reaches the IncomingMessage and its socket
 * kept that whole graph alive through young-generation GCs, ~3× the GC time
 * per request (measured with bench/load.mjs-like runs on Node 20).
 */
export const WHOLE_BODY: typeof WHOLE = WHOLE;

/**
 * For adapters: how to read this Request's body whole, without its web
 * stream (on a Request they built that has no WHOLE_BODY method of its own).
 * Nothing is read until the handler asks (http/body.ts), so the per-address
 * limits that run first answer before a byte of body is read (SPEC §6
 * "Bounds"). Reading the bytes back through the Request's web stream costs
 * more than everything else chatq does for a message: on Node 20,
 * `await request.json()` of a 60-byte body added ~180 µs of CPU per request on
 * this machine, against ~115 µs to build the Request and ~70 µs for the whole
 * message route.
 */
export function setBodyReader(request: Request, read: WholeBodyReader): void {
  Object.defineProperty(request, WHOLE, { value: read, configurable: true });
}

/** The body read whole by the adapter that built the request, or undefined when it is not an adapter's (read its `body`). */
export function readWholeBody(request: Request, maxBytes: number): Promise<Uint8Array> | undefined {
  const read = (request as { [WHOLE]?: unknown })[WHOLE];
  return typeof read === 'function' ? (read as WholeBodyReader).call(request, maxBytes) : undefined;
}
