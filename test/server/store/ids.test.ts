import { describe, expect, it } from 'vitest';
import { conversationCommunity, newConversationId, newEpoch } from '../../../src/server/store/ids.js';

describe('conversation ids carry their community (SPEC §6 "Sharing")', () => {
  it('is `<community>.<random UUID>`, a new one each time', () => {
    const id = newConversationId('acme-shop_2');
    expect(id).toMatch(/^acme-shop_2\.[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newConversationId('acme-shop_2')).not.toBe(id);
  });

  it('gives back the community of one of our ids', () => {
    expect(conversationCommunity(newConversationId('acme'))).toBe('acme');
    expect(conversationCommunity(newConversationId('a'.repeat(64)))).toBe('a'.repeat(64));
  });

  it('reads an id that is not one of ours as no community', () => {
    const uuid = crypto.randomUUID();
    for (const id of [uuid, `.${uuid}`, `Acme.${uuid}`, `acme.${uuid}x`, `acme.${uuid.slice(1)}`, `acme.b.${uuid}`, `${'a'.repeat(65)}.${uuid}`, 'acme.not-a-uuid']) {
      expect(conversationCommunity(id), id).toBeUndefined();
    }
  });
});

describe('log epochs', () => {
  it('are 10 base-36 characters, fit for the stream position `<epoch>.<seq>`', () => {
    for (let i = 0; i < 50; i++) expect(newEpoch()).toMatch(/^[0-9a-z]{10}$/);
  });

  it('differ from one log to the next', () => {
    const epochs = new Set(Array.from({ length: 1_000 }, () => newEpoch()));
    expect(epochs.size).toBe(1_000);
  });
});
