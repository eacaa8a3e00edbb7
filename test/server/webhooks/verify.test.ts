import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../src/server/webhooks/verify.js';
import { newSecret } from '../../helpers/webhook-receiver.js';

const secret = newSecret();
const body = JSON.stringify({ type: 'message.created', timestamp: '2026-12-06T12:00:00.000Z', data: { seq: 1 } });

/** A delivery signed by the standardwebhooks package, the independent implementation. */
function signed(payload = body, at = new Date(), key = secret): Record<string, string> {
  const id = 'msg_0123456789';
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(key).sign(id, at, payload) };
}

describe('chatq webhook verify says why a delivery fails', () => {
  it('accepts what standardwebhooks signs', async () => {
    expect(await verifyWebhook({ secret, headers: signed(), body })).toEqual({ ok: true, problems: [] });
  });

  it('names a body that gained a final line break or was re-serialized', async () => {
    expect((await verifyWebhook({ secret, headers: signed(), body: `${body}\n` })).problems[0]).toContain('without its final line break');
    const pretty = JSON.stringify(JSON.parse(body));
    const spaced = JSON.stringify(JSON.parse(body), null, 2);
    expect((await verifyWebhook({ secret, headers: signed(pretty), body: spaced })).problems[0]).toContain('parsed and stringified again');
  });

  it('names a secret used as plain text, a stale or millisecond timestamp, a missing header, a wrong secret', async () => {
    const headers = signed();
    expect((await verifyWebhook({ secret: 'whsec', headers, body })).problems[0]).toContain('must start with whsec_');
    const old = signed(body, new Date(Date.now() - 3_600_000));
    expect((await verifyWebhook({ secret, headers: old, body })).problems[0]).toMatch(/is 3\d{3} s old/);
    expect((await verifyWebhook({ secret, headers: { ...headers, 'webhook-timestamp': String(Date.now()) }, body })).problems[0]).toContain('milliseconds');
    expect((await verifyWebhook({ secret, headers: { ...headers, 'webhook-id': '' }, body })).problems[0]).toContain('webhook-id header is missing');
    expect((await verifyWebhook({ secret: newSecret(), headers, body })).problems[0]).toContain('does not match');
    const asText = createHmac('sha256', secret).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
    const plain = { ...headers, 'webhook-signature': `v1,${asText}` };
    expect((await verifyWebhook({ secret, headers: plain, body })).problems[0]).toContain('made with the secret string itself');
  });
});
