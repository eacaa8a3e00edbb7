/** src/server/verifier/known-headers.ts: a header part decoded once per signer, never kept when too long. */
import { describe, expect, it } from 'vitest';
import { decodeBase64url, MAX_HEADER_LENGTH, type JsonObject, type JwtPartDecoder } from '../../../src/identity/index.js';
import { rememberingHeaders } from '../../../src/server/verifier/known-headers.js';
import { b64url } from '../../helpers/sign.js';

/** A decoder that counts what it decodes, by part name. */
function countingDecoder() {
  const calls = { header: 0, payload: 0 };
  const decoder: JwtPartDecoder = {
    bytes: (part) => decodeBase64url(part),
    object(part, name) {
      calls[name] += 1;
      try {
        const value: unknown = JSON.parse(new TextDecoder().decode(decodeBase64url(part)));
        return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
      } catch {
        return undefined;
      }
    },
  };
  return { decoder, calls };
}

describe('rememberingHeaders', () => {
  it('decodes a header part seen before only once, and answers the same object', () => {
    const { decoder, calls } = countingDecoder();
    const remembering = rememberingHeaders(decoder);
    const part = b64url({ alg: 'HS256', typ: 'JWT', kid: 'site_2026' });
    const first = remembering.object(part, 'header');
    expect(first).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'site_2026' });
    expect(remembering.object(part, 'header')).toBe(first);
    expect(calls.header).toBe(1);
  });

  it('never remembers payloads: each one is decoded', () => {
    const { decoder, calls } = countingDecoder();
    const remembering = rememberingHeaders(decoder);
    const part = b64url({ uuid: 'u1' });
    remembering.object(part, 'payload');
    remembering.object(part, 'payload');
    expect(calls.payload).toBe(2);
  });

  it('does not keep a header longer than the verifier accepts, nor one that does not decode', () => {
    const { decoder, calls } = countingDecoder();
    const remembering = rememberingHeaders(decoder);
    const long = b64url({ alg: 'HS256', pad: 'x'.repeat(MAX_HEADER_LENGTH) });
    expect(long.length).toBeGreaterThan(MAX_HEADER_LENGTH);
    remembering.object(long, 'header');
    remembering.object(long, 'header');
    remembering.object('!!', 'header');
    remembering.object('!!', 'header');
    expect(calls.header).toBe(4);
  });

  it('stays bounded under a flood of distinct headers: it empties and starts again', () => {
    const { decoder, calls } = countingDecoder();
    const remembering = rememberingHeaders(decoder);
    const parts = Array.from({ length: 65 }, (_, i) => b64url({ alg: 'HS256', kid: `k${i}` }));
    for (const part of parts) remembering.object(part, 'header');
    expect(calls.header).toBe(65);
    // The 65th emptied the memory: the first is decoded again, the 65th is still known.
    remembering.object(parts[64]!, 'header');
    expect(calls.header).toBe(65);
    remembering.object(parts[0]!, 'header');
    expect(calls.header).toBe(66);
  });

  it('passes bytes through and cannot be changed', () => {
    const { decoder } = countingDecoder();
    const remembering = rememberingHeaders(decoder);
    expect(remembering.bytes).toBe(decoder.bytes);
    expect(Object.isFrozen(remembering)).toBe(true);
  });
});
