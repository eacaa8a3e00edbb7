/** The event list of SPEC §12 (src/server/webhooks/types.ts) and the shapes the sender keeps. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OutboxEventType } from '../../../src/server/store/outbox-types.js';
import { WEBHOOK_EVENT_TYPES, type EventPointer, type WebhookEndpointOptions, type WebhookEventType } from '../../../src/server/webhooks/types.js';

describe('WEBHOOK_EVENT_TYPES', () => {
  it('is the five events of SPEC §12, each once, in the documented order', () => {
    expect(WEBHOOK_EVENT_TYPES).toEqual(['conversation.created', 'message.created', 'conversation.unanswered', 'conversation.closed', 'conversation.reopened']);
    expect(new Set(WEBHOOK_EVENT_TYPES).size).toBe(WEBHOOK_EVENT_TYPES.length);
  });

  it('holds every event a store records, plus the unanswered one the sender raises itself', () => {
    const recorded: Record<OutboxEventType, true> = { 'conversation.created': true, 'message.created': true, 'conversation.closed': true, 'conversation.reopened': true };
    expect(WEBHOOK_EVENT_TYPES.filter((type) => !(type in recorded))).toEqual(['conversation.unanswered']);
    expectTypeOf<OutboxEventType>().toMatchTypeOf<WebhookEventType>();
    expectTypeOf<EventPointer['type']>().toEqualTypeOf<WebhookEventType>();
  });

  it('types a receiver’s events and secret as the options take them', () => {
    expectTypeOf<NonNullable<WebhookEndpointOptions['events']>[number]>().toEqualTypeOf<WebhookEventType>();
    expectTypeOf<WebhookEndpointOptions['secret']>().toEqualTypeOf<string | readonly string[]>();
    // @ts-expect-error: not one of the five events
    const unknown: WebhookEventType = 'message.deleted';
    expect(WEBHOOK_EVENT_TYPES).not.toContain(unknown);
  });
});
