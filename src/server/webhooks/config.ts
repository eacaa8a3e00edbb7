import { MessagingConfigError } from '../errors.js';
import { importSecret, secretKeyBytes } from './signature.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpointOptions, type WebhookEventType } from './types.js';

/** One receiver, checked and ready to sign for. */
export interface WebhookEndpoint {
  /** The key its delivery state is kept under: the URL's own hash, so a rotated secret keeps the state. */
  key: string;
  url: string;
  /** The URL without query or credentials: what the log may show. */
  label: string;
  keys: Promise<CryptoKey[]>;
  events: ReadonlySet<WebhookEventType>;
}

/** More receivers than this is a configuration mistake, not a use case: a fan-out belongs in the receiver. */
const MAX_ENDPOINTS = 16;
const MAX_SECRETS = 4;

/**
 * `webhooks` of createMessagingHandler, checked when the handler is created
 * (SPEC §12): a URL that is not http(s), a secret not in the `whsec_` form or
 * an unknown event is an integrator's mistake found at start, never at the
 * first delivery.
 */
export function checkWebhooks(webhooks: unknown): WebhookEndpoint[] {
  if (webhooks === undefined) return [];
  if (!Array.isArray(webhooks)) throw new MessagingConfigError('webhooks', 'webhooks: must be an array of { url, secret, events? }.');
  if (webhooks.length > MAX_ENDPOINTS) {
    throw new MessagingConfigError('webhooks', `webhooks: at most ${MAX_ENDPOINTS} receivers, got ${webhooks.length}.`);
  }
  return webhooks.map((entry: unknown, index) => checkEndpoint(entry, `webhooks[${index}]`));
}

function checkEndpoint(entry: unknown, path: string): WebhookEndpoint {
  if (typeof entry !== 'object' || entry === null) throw new MessagingConfigError(path, `${path}: must be { url, secret, events? }.`);
  const { url, secret, events, ...rest } = entry as WebhookEndpointOptions;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new MessagingConfigError(`${path}.${unknown[0]}`, `${path}.${unknown[0]}: unknown option (a receiver takes url, secret and events).`);
  const parsed = checkUrl(url, `${path}.url`);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(secrets) || secrets.length === 0 || secrets.length > MAX_SECRETS) {
    throw new MessagingConfigError(`${path}.secret`, `${path}.secret: must be a whsec_ secret, or 1–${MAX_SECRETS} of them during a rotation.`);
  }
  const bytes = secrets.map((value: unknown, i) => {
    const where = typeof secret === 'string' ? `${path}.secret` : `${path}.secret[${i}]`;
    const key = typeof value === 'string' ? secretKeyBytes(value) : 'must be a string';
    if (typeof key === 'string') throw new MessagingConfigError(where, `${where}: ${key}.`);
    return key;
  });
  return {
    key: endpointKey(parsed.href),
    url: parsed.href,
    label: `${parsed.origin}${parsed.pathname}`,
    keys: Promise.all(bytes.map(importSecret)),
    events: checkEvents(events, `${path}.events`),
  };
}

function checkUrl(url: unknown, path: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new MessagingConfigError(path, `${path}: must be an absolute http:// or https:// URL, got ${describe(url)}.`);
  }
  if (parsed.username || parsed.password) {
    throw new MessagingConfigError(path, `${path}: must not carry credentials (user:password@); authenticate deliveries by their signature.`);
  }
  return parsed;
}

function checkEvents(events: unknown, path: string): ReadonlySet<WebhookEventType> {
  if (events === undefined) return new Set(WEBHOOK_EVENT_TYPES);
  if (!Array.isArray(events) || events.length === 0) {
    throw new MessagingConfigError(path, `${path}: must be a non-empty list of ${WEBHOOK_EVENT_TYPES.join(', ')} (omit it for all).`);
  }
  for (const [i, event] of events.entries()) {
    if (!(WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(event)) {
      throw new MessagingConfigError(`${path}[${i}]`, `${path}[${i}]: ${describe(event)} is not an event; the events are ${WEBHOOK_EVENT_TYPES.join(', ')}.`);
    }
  }
  return new Set(events as WebhookEventType[]);
}

/** The key an endpoint's delivery state is kept under: FNV-1a of its URL, so a rotated secret keeps the state. */
function endpointKey(url: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(url)) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return hash.toString(16).padStart(16, '0');
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : String(value);
}
