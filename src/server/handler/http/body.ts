import { readWholeBody } from '../request-hints.js';
import { HttpError } from './errors.js';
import { concatBytes } from './bytes.js';

/** One decoder for every request: decode() without `stream` starts afresh each call. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * SPEC §6 "Bounds": a request body must arrive within 10 s. An adapter that
 * reads bodies itself (toNodeListener) enforces its own deadline, counted from
 * the request's headers; this one bounds a web stream body that trickles on
 * any other runtime, counted from the first read.
 */
export const BODY_DEADLINE_MS = 10_000;

/**
 * Reads a JSON object body under SPEC §6's size limit and deadline. The cap
 * is enforced while reading (a missing or lying Content-Length changes
 * nothing), before any decoding or parsing. Nothing is read before this is
 * called, so a route that checks its rate limits first answers 429 without
 * waiting for a body.
 */
export async function readJsonObject(request: Request, maxBytes: number, deadlineMs = BODY_DEADLINE_MS): Promise<Record<string, unknown>> {
  assertJsonContentType(request.headers.get('Content-Type'));
  const declared = request.headers.get('Content-Length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readCapped(request, maxBytes, deadlineMs);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'The request body is not valid UTF-8.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

function assertJsonContentType(header: string | null): void {
  const [type = '', ...params] = (header ?? '').split(';');
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='));
  const charsetOk = charset === undefined || /^charset="?utf-8"?$/.test(charset);
  if (type.trim().toLowerCase() !== 'application/json' || !charsetOk) {
    throw new HttpError(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'Send the body as Content-Type: application/json (UTF-8).');
  }
}

async function readCapped(request: Request, maxBytes: number, deadlineMs: number): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    const whole = readWholeBody(request, maxBytes);
    if (whole) bytes = await whole;
    else if (request.body === null) return new Uint8Array(0);
    else bytes = await readStream(request.body, maxBytes, deadlineMs);
  } catch (error) {
    throw readError(error, maxBytes);
  }
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  return bytes;
}

/** Reads a web stream body whole under the cap; past the deadline the stream is cancelled (a sender must not hold the request). */
async function readStream(body: ReadableStream<Uint8Array>, maxBytes: number, deadlineMs: number): Promise<Uint8Array> {
  const reader = body.getReader();
  let late = false;
  // Cancelling resolves the pending read at once (done), whatever the source does.
  const timer = setTimeout(() => {
    late = true;
    reader.cancel().catch(() => {});
  }, deadlineMs);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (late) throw bodyTimeout();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  return concatBytes(chunks, total);
}

/** An adapter stops a body past its own cap or deadline, or finds it consumed, with these error names (toNodeListener); anything else is a body that could not be read. */
function readError(error: unknown, maxBytes: number): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof Error && error.name === 'BodyTooLargeError') return tooLarge(maxBytes);
  if (error instanceof Error && error.name === 'BodyTimeoutError') return bodyTimeout();
  // A middleware mounted first read the body and left none for the handler: its message says which and what to change.
  if (error instanceof Error && error.name === 'BodyConsumedError') return new HttpError(400, 'ERR_BAD_REQUEST', error.message);
  return new HttpError(400, 'ERR_BAD_REQUEST', 'The request body could not be read.');
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'ERR_BODY_TOO_LARGE', `The request body is over the ${maxBytes}-byte limit.`);
}

function bodyTimeout(): HttpError {
  return new HttpError(408, 'ERR_BODY_TIMEOUT', 'The request body did not arrive in time; send it whole, right after the headers.', { Connection: 'close' });
}
