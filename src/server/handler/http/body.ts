import { takeBufferedBody } from '../request-hints.js';
import { HttpError } from './errors.js';
import { concatBytes } from './bytes.js';

/** One decoder for every request: decode() without `stream` starts afresh each call. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON object body under SPEC §6's size limit. The cap is enforced
 * while reading (a missing or lying Content-Length changes nothing), before
 * any decoding or parsing.
 */
export async function readJsonObject(request: Request, maxBytes: number): Promise<Record<string, unknown>> {
  assertJsonContentType(request.headers.get('Content-Type'));
  const declared = request.headers.get('Content-Length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readCapped(request, maxBytes);
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

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  const buffered = takeBufferedBody(request);
  if (buffered) {
    if (buffered.byteLength > maxBytes) throw tooLarge(maxBytes);
    return buffered;
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    // An adapter (toNodeListener) stops a body past its own cap with this error name.
    if (error instanceof Error && error.name === 'BodyTooLargeError') throw tooLarge(maxBytes);
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'The request body could not be read.');
  }
  return concatBytes(chunks, total);
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'ERR_BODY_TOO_LARGE', `The request body is over the ${maxBytes}-byte limit.`);
}

