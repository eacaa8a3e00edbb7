import { describe, expect, it } from 'vitest';
import { checkWebhooks } from '../../../src/server/webhooks/config.js';
import { newSecret } from '../../helpers/webhook-receiver.js';

const secret = newSecret();

function refusal(webhooks: unknown): { code: string; path: string; message: string } {
  try {
    checkWebhooks(webhooks);
  } catch (error) {
    return error as { code: string; path: string; message: string };
  }
  throw new Error('accepted');
}

describe('webhooks are checked when the handler is created (SPEC §12)', () => {
  it('takes http(s) URLs with whsec_ secrets, all five events by default', () => {
    const [endpoint] = checkWebhooks([{ url: 'https://hooks.example.com/chatq?key=abc', secret }]);
    expect(endpoint!.events.size).toBe(5);
    expect(endpoint!.label).toBe('https://hooks.example.com/chatq');
    expect(endpoint!.key).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    ['ftp://hooks.example.com/', 'webhooks[0].url'],
    ['javascript:alert(1)', 'webhooks[0].url'],
    ['/relative/path', 'webhooks[0].url'],
    ['https://user:pass@hooks.example.com/', 'webhooks[0].url'],
  ])('refuses the URL %s', (url, path) => {
    expect(refusal([{ url, secret }])).toMatchObject({ code: 'ERR_HANDLER_CONFIG', path });
  });

  it('refuses a secret without the whsec_ form, saying what the form is', () => {
    expect(refusal([{ url: 'https://h.example.com/', secret: 'my-secret' }]).message).toContain('must start with whsec_');
    expect(refusal([{ url: 'https://h.example.com/', secret: 'whsec_@@@' }]).message).toContain('standard base64');
    expect(refusal([{ url: 'https://h.example.com/', secret: `whsec_${btoa('short')}` }]).message).toContain('24–64 random bytes, got 5');
    expect(refusal([{ url: 'https://h.example.com/', secret: [secret, 'nope'] }]).path).toBe('webhooks[0].secret[1]');
  });

  it('refuses an unknown event and an unknown option, naming them', () => {
    expect(refusal([{ url: 'https://h.example.com/', secret, events: ['message.sent'] }])).toMatchObject({
      path: 'webhooks[0].events[0]',
      message: expect.stringContaining('"message.sent" is not an event; the events are conversation.created, message.created'),
    });
    expect(refusal([{ url: 'https://h.example.com/', secret, event: ['message.created'] }]).path).toBe('webhooks[0].event');
  });

  it('never echoes a secret in an error', () => {
    const leaky = `whsec_${'A'.repeat(10)}`;
    expect(refusal([{ url: 'https://h.example.com/', secret: leaky }]).message).not.toContain(leaky);
  });
});
