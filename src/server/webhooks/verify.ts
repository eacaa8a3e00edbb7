import { constantTimeEqual } from '../../identity/constant-time.js';
import { looksLikeMilliseconds } from '../../identity/hints.js';
import { importSecret, secretKeyBytes, sign } from './signature.js';

/** Standard Webhooks' default: a delivery older or newer than 5 minutes is refused (replay window). */
const TOLERANCE_SECONDS = 300;

export interface WebhookVerification {
  ok: boolean;
  /** What is wrong, each in a sentence that says what to fix; empty when `ok`. */
  problems: string[];
}

export interface VerifyWebhookInput {
  secret: string;
  headers: Record<string, string | undefined>;
  /** The raw body as received, byte for byte (not parsed and stringified again). */
  body: string;
  /** Seconds since the epoch; default now. */
  now?: number;
}

/**
 * Checks one delivery the way a receiver must, and on failure says why
 * (`npx chatq webhook verify`): a secret not in the `whsec_` form, missing
 * headers, a timestamp in milliseconds or outside the replay window, or a
 * signature that matches only a changed body or a secret used as plain text.
 */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<WebhookVerification> {
  const problems: string[] = [];
  const headers = Object.fromEntries(Object.entries(input.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const bytes = secretKeyBytes(input.secret);
  if (typeof bytes === 'string') problems.push(`The secret ${bytes}.`);
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  for (const [name, value] of [['webhook-id', id], ['webhook-timestamp', timestamp], ['webhook-signature', signatures]] as const) {
    if (!value) problems.push(`The ${name} header is missing: pass every webhook-* header of the delivery.`);
  }
  if (typeof bytes === 'string' || !id || !timestamp || !signatures) return { ok: false, problems };

  const seconds = Number(timestamp);
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (!/^\d{1,16}$/.test(timestamp)) problems.push(`webhook-timestamp must be whole seconds since the epoch, got ${JSON.stringify(timestamp.slice(0, 20))}.`);
  else if (looksLikeMilliseconds(seconds, now)) problems.push('webhook-timestamp is in milliseconds: Standard Webhooks use seconds.');
  else if (Math.abs(now - seconds) > TOLERANCE_SECONDS) {
    problems.push(`webhook-timestamp is ${Math.abs(now - seconds)} s ${seconds < now ? 'old' : 'in the future'}: receivers refuse deliveries outside ±${TOLERANCE_SECONDS} s (a replay, or a clock that is off).`);
  }
  const given = signatures.split(' ').filter((part) => part.startsWith('v1,'));
  if (given.length === 0) problems.push('webhook-signature has no v1,<base64> entry.');
  const matches = async (key: CryptoKey, body: string): Promise<boolean> => {
    const expected = await sign(key, id, seconds, body);
    return given.some((candidate) => constantTimeEqual(candidate, expected));
  };
  const key = await importSecret(bytes);
  if (given.length > 0 && !(await matches(key, input.body))) problems.push(await whyMismatch(input, key, matches));
  return { ok: problems.length === 0, problems };
}

async function whyMismatch(input: VerifyWebhookInput, key: CryptoKey, matches: (key: CryptoKey, body: string) => Promise<boolean>): Promise<string> {
  const trimmed = input.body.replace(/\r?\n$/, '');
  if (trimmed !== input.body && (await matches(key, trimmed))) return 'The signature matches the body without its final line break: verify the raw body as received.';
  let reserialized: string | undefined;
  try {
    reserialized = JSON.stringify(JSON.parse(input.body));
  } catch {
    reserialized = undefined;
  }
  if (reserialized !== undefined && reserialized !== input.body && (await matches(key, reserialized))) {
    return 'The signature matches the body parsed and stringified again: verify the raw bytes, before any JSON body parser.';
  }
  const plain = await importSecret(new TextEncoder().encode(input.secret));
  if (await matches(plain, input.body)) return 'The signature was made with the secret string itself: the key is the base64-decoded part after whsec_.';
  return 'The signature does not match: a different secret (a rotated one?), or the body, webhook-id or webhook-timestamp changed on the way.';
}
