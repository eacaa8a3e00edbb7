import type { HandlerContext } from './context.js';
import { HttpError } from './http/errors.js';

/**
 * Takes a token from the engine's shared buckets or throws 429
 * ERR_RATE_LIMITED with Retry-After (SPEC §6 "Abuse limits"). Keys carry the
 * community, so communities sharing an engine have separate budgets.
 */
export async function enforceRate(ctx: HandlerContext, key: string, perMinute: number, what: string): Promise<void> {
  if (!Number.isFinite(perMinute)) return;
  const wait = await ctx.limiter.take(`${ctx.community}:${key}`, perMinute, ctx.now());
  if (wait > 0) {
    throw new HttpError(429, 'ERR_RATE_LIMITED', `Too many ${what}; wait ${wait} s and try again.`, { 'Retry-After': String(wait) });
  }
}
