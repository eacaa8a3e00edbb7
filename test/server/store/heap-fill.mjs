// Run by memory-bounds.test.ts as `node --expose-gc heap-fill.mjs <scenario> <maxBytes>`: fills a
// memory store until it refuses (ERR_CAPACITY) and prints the real heap growth as JSON.
import { createMemoryStore } from '../../../dist/server.js';

const [scenario, maxBytesText] = process.argv.slice(2);
const maxBytes = Number(maxBytesText);
const identity = (i, extra = 0) => ({
  uuid: `user-${i}`,
  uuidSource: 'jwt',
  signed: true,
  fields: { firstname: 'Ann', email: `ann${i}@example.com` },
  customFields: {},
  extraValues: Object.fromEntries(Array.from({ length: extra }, (_, k) => [`key_${k}`, `value ${k} of ${i}`])),
  warnings: [],
});

globalThis.gc();
const before = process.memoryUsage().heapUsed;
const store = createMemoryStore({ maxBytes, maxConversations: Infinity, maxSessions: Infinity, maxMessagesPerConversation: Infinity, maxClientIdsPerConversation: Infinity });
let count = 0;
try {
  if (scenario === 'tiny-messages') {
    const { id } = await store.upsertConversation('c', 'k', identity(0), 1);
    for (;; count++) await store.appendMessage(id, { author: 'visitor', body: 'x', clientId: `c${count.toString(36).padStart(8, '0')}`, createdAt: 2 });
  } else if (scenario === 'conversations') {
    // Each holds one message, so none is dropped to make room: the store must refuse instead.
    for (;; count++) {
      const { id } = await store.upsertConversation('c', `browser:${count.toString(36).padStart(22, '0')}`, identity(count, 20), 1);
      await store.appendMessage(id, { author: 'visitor', body: 'hello', clientId: 'first-message', createdAt: 2 });
    }
  } else if (scenario === 'sessions') {
    const { id } = await store.upsertConversation('c', 'k', identity(0), 1);
    for (;; count++) {
      await store.saveSession({ id: `c.${count.toString(36).padStart(43, '0')}`, community: 'c', conversationId: id, conversationKey: 'k', signed: false, createdAt: 1, lastSeenAt: 1, retainUntil: 1e15 });
      if (count >= 150_000) break; // sessions never refuse: the least recently used go instead
    }
  } else if (scenario === 'long-messages') {
    for (let c = 0; ; c++) {
      const { id } = await store.upsertConversation('c', `k${c}`, identity(c), 1);
      // Distinct strings, two bytes a character (as JSON.parse makes them from a request with non-Latin-1 text).
      for (let m = 0; m < 50; m++, count++) {
        const body = JSON.parse(`"${'€'.repeat(3990)}${count}"`);
        await store.appendMessage(id, { author: 'visitor', body, clientId: `c${count.toString(36).padStart(8, '0')}`, createdAt: 2 });
      }
    }
  }
} catch (error) {
  if (error?.code !== 'ERR_CAPACITY') throw error;
}
let kept = 0;
if (scenario === 'sessions') for (let i = 0; i < count; i++) if (await store.getSession(`c.${i.toString(36).padStart(43, '0')}`)) kept++;
globalThis.gc();
const after = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ scenario, count, kept, maxBytes, heapGrowth: after - before, ratio: (after - before) / maxBytes }));
