/**
 * What the parts of bench/relay.mjs share: the signing key, the agent, the
 * origin, the limits (all off) and the two stacks' paths behind nginx.
 */
import { createHmac } from 'node:crypto';

export const HS_KEY = { id: 'bench_key', secret: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' };
export const ORIGIN = 'https://shop.test';
export const AGENT = { id: 'bench-agent', name: 'Bench Agent', token: 'bench-agent-token-0123456789abcdef0123456789' };
/** bench/load.mjs's UNLIMITED plus what 400 streams from one address and an agent at 2,400 replies/s would hit. */
export const UNLIMITED = {
  registrationsPerMinutePerAddress: Infinity,
  policyRequestsPerMinutePerAddress: Infinity,
  registrationsPerMinutePerSession: Infinity,
  messagesPerMinutePerSession: Infinity,
  messagesPerMinutePerConversation: Infinity,
  messagesPerMinutePerAddress: Infinity,
  pageChangesPerMinutePerSession: Infinity,
  maxStreamsPerAddress: Infinity,
};

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An HS256 JWT signed by hand (node:crypto), as a host site's backend would (bench/load.mjs). */
export function signJwt(payload) {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: HS_KEY.id })}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', HS_KEY.secret).update(input).digest('base64url')}`;
}

/** Monotonic milliseconds, one clock for every process of this machine (CLOCK_MONOTONIC). */
export const clockMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * The two stacks behind the one nginx. `stream(id)` and `reply(id)` are paths
 * under `{nginx}/{prefix}`; the bare relay names conversations itself.
 */
export const STACKS = {
  chatq: {
    prefix: 'chatq',
    stream: () => '/v1/stream',
    reply: (id) => `/agent/v1/conversations/${encodeURIComponent(id)}/messages`,
  },
  bare: {
    prefix: 'bare',
    stream: (id) => `/stream/${encodeURIComponent(id)}`,
    reply: (id) => `/publish/${encodeURIComponent(id)}`,
  },
};
