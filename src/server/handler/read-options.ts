/**
 * createMessagingHandler's options, read and checked in one pass that lists
 * EVERY problem (issue 21 item 3): each check below that finds one adds it,
 * with its path, to one MessagingConfigError thrown at the end, so an
 * integrator fixes a config in one round, not one mistake per start.
 */
import type { IdentityVerifier } from '../../identity/index.js';
import { ConfigProblems } from '../errors.js';
import { resolveAgents, type AgentSetup } from './agents/config.js';
import { createCorsPolicy, type CorsPolicy } from './http/cors.js';
import { refuseUnknownOptions } from './option-names.js';
import {
  checkOptions,
  DEFAULT_LIMITS,
  normalizeBasePath,
  normalizePublicOrigin,
  resolveCommunity,
  resolveLimits,
  type HandlerLimits,
  type MessagingHandlerOptions,
} from './options.js';
import { readRenamed, type Renamed } from './renamed-options.js';
import { readWebhookOptions, type WebhookSetup } from './webhooks.js';

const COMMUNITY_RENAMED: Renamed = { where: 'createMessagingHandler', from: 'community', to: 'communityId', why: '`community` names the object defineCommunity returns' };

export interface ReadOptions {
  readonly basePath: string;
  readonly publicOrigin: string | undefined;
  readonly cors: CorsPolicy;
  readonly agentSetup: AgentSetup | undefined;
  readonly communityId: string;
  /** The id as the integrator gave it (communityId, or its old name community), undefined when left to the verifier. */
  readonly communityOption: string | undefined;
  readonly limits: HandlerLimits;
  readonly webhooks: WebhookSetup;
}

const NO_CORS: CorsPolicy = { check: () => ({ origin: undefined, allowed: false }) };

/** Throws one MessagingConfigError (ERR_HANDLER_CONFIG) listing every problem of `options`. */
export function readOptions(options: MessagingHandlerOptions): ReadOptions {
  const problems = new ConfigProblems('createMessagingHandler');
  problems.attempt(() => refuseUnknownOptions(options), undefined);
  // Not an object at all: nothing else can be read.
  if (typeof options !== 'object' || options === null) problems.attempt(() => checkOptions(options), undefined);
  problems.throwIfAny();
  problems.attempt(() => checkOptions(options), undefined);
  const basePath = problems.attempt(() => normalizeBasePath(options.basePath), '');
  const publicOrigin = problems.attempt(() => normalizePublicOrigin(options.publicOrigin), undefined);
  const origins = Array.isArray(options.allowedOrigins) || options.allowedOrigins === '*' ? options.allowedOrigins : '*';
  const cors = problems.attempt(() => createCorsPolicy(origins, publicOrigin), NO_CORS);
  const agentSetup = problems.attempt(() => resolveAgents(options), undefined);
  // A verifier without `community` is checked by checkOptions; its id is read only from a real one.
  const verifier: Partial<IdentityVerifier> = typeof options.verifier === 'object' && options.verifier !== null ? options.verifier : {};
  const warn = (message: string): void => (typeof options.logger?.warn === 'function' ? options.logger : console).warn(message);
  const communityOption = problems.attempt(() => readRenamed<string>(options as unknown as Record<string, unknown>, COMMUNITY_RENAMED, warn), undefined);
  const communityPath = options.communityId === undefined && options.community !== undefined ? 'community' : 'communityId';
  const communityId = problems.attempt(() => resolveCommunity(communityOption, verifier, communityPath), 'default');
  const limits = problems.attempt(() => resolveLimits(isObject(options.limits) ? options.limits : {}), DEFAULT_LIMITS);
  const webhooks = problems.attempt(() => readWebhookOptions(options), { endpoints: [], unansweredAfterMs: 0 });
  problems.throwIfAny();
  return { basePath, publicOrigin, cors, agentSetup, communityId, communityOption, limits, webhooks };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
