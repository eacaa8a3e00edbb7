import type { IncomingMessage } from 'node:http';

const encoder = new TextEncoder();

/**
 * The body a middleware mounted before the handler already read (SPEC §6
 * "Fitting"): `req.rawBody` as sent when one is kept (a body-parser `verify`
 * hook, some hosts), else `req.body` as the parser left it (express.json(),
 * body-parser, or Fastify's `request.body` handed over as `req.raw.body`).
 * A string or bytes are used as they are; a parsed value is serialized back
 * to JSON, which carries the same JSON value the client sent (a JSON parser
 * keeps nothing else). Undefined when nothing usable is there.
 *
 * Asked only once the stream has ended: a body still in the socket is read
 * from there, as sent, under the adapter's own limits and deadline.
 */
export function alreadyReadBody(req: IncomingMessage): Uint8Array<ArrayBuffer> | undefined {
  const { rawBody, body } = req as { rawBody?: unknown; body?: unknown };
  return asBytes(rawBody) ?? asParsed(body);
}

function asBytes(value: unknown): Uint8Array<ArrayBuffer> | undefined {
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  return undefined;
}

function asParsed(value: unknown): Uint8Array<ArrayBuffer> | undefined {
  if (value === undefined) return undefined;
  const bytes = asBytes(value);
  if (bytes) return bytes;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : encoder.encode(text);
  } catch {
    // not JSON-shaped (a cycle, a BigInt): nothing the handler could read
    return undefined;
  }
}
