import { sign } from './signature.js';

/** SPEC §12: a receiver has 15 s to answer 2xx. */
export const DELIVERY_TIMEOUT_MS = 15_000;

export type Outcome =
  | { ok: true; status: number }
  /** `gone`: 410, the receiver asked never to be called again. */
  | { ok: false; gone: boolean; reason: string };

export interface Delivery {
  url: string;
  keys: CryptoKey[];
  /** The `webhook-id`: the same on every retry of one event, so receivers can drop duplicates. */
  id: string;
  body: string;
  /** Seconds since the epoch, signed into the delivery (receivers refuse stale ones). */
  timestamp: number;
  timeoutMs?: number;
}

/**
 * One attempt: POST the signed body and classify the answer. Redirects are
 * not followed (a 3xx counts as a failure: a signed event must not be handed
 * to whatever host a receiver points at), and the receiver is cut at the
 * timeout, so a hanging receiver ties up one delivery slot and nothing else.
 */
export async function deliver(delivery: Delivery): Promise<Outcome> {
  const signatures = await Promise.all(delivery.keys.map((key) => sign(key, delivery.id, delivery.timestamp, delivery.body)));
  let response: Response;
  try {
    response = await fetch(delivery.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(delivery.timeoutMs ?? DELIVERY_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'chatq-webhooks',
        'webhook-id': delivery.id,
        'webhook-timestamp': String(delivery.timestamp),
        'webhook-signature': signatures.join(' '),
      },
      body: delivery.body,
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { ok: false, gone: false, reason: timedOut ? `no answer within ${(delivery.timeoutMs ?? DELIVERY_TIMEOUT_MS) / 1000} s` : 'connection failed' };
  }
  // The body is not needed; release the connection.
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
  if (response.status === 410) return { ok: false, gone: true, reason: '410 Gone' };
  const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed: give the final URL)' : '';
  return { ok: false, gone: false, reason: `HTTP ${response.status}${redirect}` };
}
