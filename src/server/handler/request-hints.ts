/**
 * What an adapter knows about a Request it built that the Request itself
 * cannot carry, keyed by the Request in WeakMaps (nothing outlives the
 * request, and the core needs no `node:*`).
 */
const addresses = new WeakMap<Request, string>();
const bodies = new WeakMap<Request, Uint8Array>();

/** For adapters: remember the peer address of a request they created (the per-address rate-limit key). */
export function setClientAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address);
}

export function adapterClientAddress(request: Request): string | undefined {
  return addresses.get(request);
}

/**
 * For adapters: the exact bytes already given as this Request's body, read
 * whole. Reading them back through the Request's web stream costs more than
 * everything else chatq does for a message: on Node 20, `await request.json()`
 * of a 60-byte body added ~180 µs of CPU per request on this machine, against
 * ~115 µs to build the Request and ~70 µs for the whole message route. The
 * body stays on the Request too, so nothing else sees a difference.
 */
export function setBufferedBody(request: Request, bytes: Uint8Array): void {
  bodies.set(request, bytes);
}

/** The buffered bytes, once: the body counts as consumed afterwards. */
export function takeBufferedBody(request: Request): Uint8Array | undefined {
  const bytes = bodies.get(request);
  if (bytes) bodies.delete(request);
  return bytes;
}
