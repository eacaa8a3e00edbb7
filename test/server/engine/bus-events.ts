/** Bus events and a recording listener shared by the bus tests (local-bus.test.ts, redis/bus.test.ts). */
import type { BusEvent } from '../../../src/server/engine/types.js';

/** Two conversations of the community `acme`. */
export const one = 'acme.00000000-0000-4000-8000-000000000001';
export const two = 'acme.00000000-0000-4000-8000-000000000002';

/** A visitor's first message in `conversationId`, as the append announces it. */
export function messageEvent(conversationId: string): Exclude<BusEvent, { type: 'resync' }> {
  return { type: 'message', conversationId, message: { id: 'm1', seq: 1, author: 'visitor', body: 'hi', createdAt: 1 } };
}

/** A listener that records what it hears, with the epoch the bus gave beside it. */
export function recorder(): { heard: [BusEvent, string | undefined][]; listener: (event: BusEvent, epoch?: string) => void } {
  const heard: [BusEvent, string | undefined][] = [];
  return { heard, listener: (event, epoch) => void heard.push([event, epoch]) };
}
