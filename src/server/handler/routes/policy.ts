import { MESSAGE_MAX_LENGTH, type PolicyResponse } from '../../../identity/index.js';
import { isEngineError } from '../../engine/types.js';
import type { Call, HandlerContext } from '../context.js';
import { jsonReply, reply, type Reply } from '../http/reply.js';
import { enforceRate } from '../rate.js';
import { publicPolicy } from './shared/public-views.js';

/**
 * `GET|HEAD {base}/v1/policy` (src/identity/protocol.ts): the verifier's rules
 * and the server clock, so the widget knows the mode before registering
 * anything (SPEC §5: in `require` mode an anonymous visitor gets no launcher,
 * and must not cost a refused registration either) and judges a token's
 * lifetime against the real `minTokenLifetime`. Public data, no credential;
 * CORS like every visitor route; `no-store` because of `serverTime`. And the
 * longest message taken, so the composer counts before the server refuses (SPEC §10).
 *
 * Every page view asks once, so it has its own per-address bucket and limit
 * (`policyRequestsPerMinutePerAddress`) rather than eating into the registrations' one.
 *
 * `policy` is absent when the verifier does not publish its rules (a custom
 * `IdentityVerifier` without `policy`): the widget then learns the mode by
 * registering. A 404 for that case would print "Failed to load resource" in
 * every host page's console.
 */
export async function policy(ctx: HandlerContext, call: Call): Promise<Reply> {
  // Public data, no store read: an engine that cannot count (Redis full or down) must not cost every
  // page its widget (issue 16 HIGH 2), so the limit fails open here — and only here.
  await enforceRate(ctx, `policy:address:${call.clientAddress()}`, ctx.limits.policyRequestsPerMinutePerAddress, 'policy requests from this address').catch(
    (error: unknown) => {
      if (!isEngineError(error)) throw error;
    },
  );
  const rules = ctx.verifier.policy;
  const answer: PolicyResponse = {
    ...(rules ? { policy: publicPolicy(rules) } : {}),
    serverTime: ctx.now(),
    ...(ctx.agents ? { presence: ctx.agents.visitorPresence() } : {}),
    messageMaxLength: MESSAGE_MAX_LENGTH,
  };
  const json = jsonReply(200, answer);
  return call.request.method === 'HEAD' ? reply(200, null, json.headers) : json;
}
