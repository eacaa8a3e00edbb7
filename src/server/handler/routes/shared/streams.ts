import { HttpError } from '../../http/errors.js';

/**
 * 429 ERR_TOO_MANY_STREAMS (SPEC §6 "Abuse limits"): `limit` streams of this
 * kind (`scope`, e.g. "streams per session") are already open. The one
 * builder for the visitor's and the agent's stream routes, so the code,
 * message shape and Retry-After cannot drift apart.
 */
export function tooManyStreams(limit: number, scope: string, advice = ''): HttpError {
  return new HttpError(429, 'ERR_TOO_MANY_STREAMS', `At most ${limit} open ${scope}${advice}.`, { 'Retry-After': '5' });
}
