import type { HandlerContext } from './context.js';
import { HttpError } from './http/errors.js';

/** Takes a token or throws 429 ERR_RATE_LIMITED with Retry-After (SPEC §6 "Abuse limits"). */
export function enforceRate(ctx: HandlerContext, key: string, perMinute: number, what: string): void {
  const wait = ctx.limiter.take(key, perMinute);
  if (wait > 0) {
    throw new HttpError(429, 'ERR_RATE_LIMITED', `Too many ${what}; wait ${wait} s and try again.`, { 'Retry-After': String(wait) });
  }
}
