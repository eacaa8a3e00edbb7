import { describe, expect, it } from 'vitest';
import { idempotencyKey, MessageLog } from '../../../src/server/store/message-log.js';
import { message } from './fixtures.js';

/** A log holding seqs 1..count, each with clientId `c<seq>`. */
function filled(max: number, maxKeys: number, count: number): MessageLog {
  const log = new MessageLog(max, maxKeys);
  for (let seq = 1; seq <= count; seq++) log.push(message(seq, 'visitor', { clientId: `c${seq}` }));
  return log;
}
const seqs = (log: MessageLog, options?: Parameters<MessageLog['range']>[0]) => log.range(options).map((m) => m.seq);

describe('one conversation log, newest last, at most `max` kept', () => {
  it('is empty with lastSeq 0', () => {
    const log = new MessageLog(3, 10);
    expect({ lastSeq: log.lastSeq, size: log.size, keys: log.keys, chars: log.chars }).toEqual({ lastSeq: 0, size: 0, keys: 0, chars: 0 });
    expect(log.range()).toEqual([]);
  });

  it('drops the oldest past `max`; seqs go on and the text count follows', () => {
    const log = new MessageLog(3, 10);
    for (let seq = 1; seq <= 3; seq++) expect(log.push(message(seq))).toEqual({ dropped: 0, forgottenKeys: 0 });
    expect(log.push(message(4, 'visitor', { body: 'longer' }))).toEqual({ dropped: 1, forgottenKeys: 0 });
    expect(seqs(log)).toEqual([2, 3, 4]);
    expect({ lastSeq: log.lastSeq, size: log.size, chars: log.chars }).toEqual({ lastSeq: 4, size: 3, chars: 2 + 2 + 6 });
  });
});

describe('idempotency keys outlive the kept history (SPEC §6 "Bounds")', () => {
  it('finds a kept message by author and clientId, not by another author', () => {
    const log = filled(5, 10, 2);
    expect(log.find('visitor', 'c2', 'ignored')).toEqual(message(2, 'visitor', { clientId: 'c2' }));
    expect(log.find('agent', 'c2', 'x')).toBeUndefined();
    expect(log.find('visitor', 'c9', 'x')).toBeUndefined();
  });

  it('rebuilds an aged-out message from its compact record and the retry body', () => {
    const log = filled(2, 10, 4);
    const found = log.find('visitor', 'c1', 'the retry body')!;
    expect(found).toEqual({ id: 'id-1', seq: 1, clientId: 'c1', author: 'visitor', body: 'the retry body', createdAt: 1_000 });
    expect(Object.isFrozen(found)).toBe(true);
    expect(log.keys).toBe(4);
  });

  it('takes the key a caller made once for find and push, kept and aged out alike', () => {
    const log = new MessageLog(2, 10);
    for (let seq = 1; seq <= 4; seq++) {
      const key = idempotencyKey('visitor', `k${seq}`);
      expect(log.find('visitor', `k${seq}`, 'b', key)).toBeUndefined();
      log.push(message(seq, 'visitor', { clientId: `k${seq}` }), key);
    }
    // Aged out (1, 2) and kept (3, 4), found by author and clientId whether or not a key is given.
    for (let seq = 1; seq <= 4; seq++) {
      expect(log.find('visitor', `k${seq}`, 'retry')?.seq).toBe(seq);
      expect(log.find('visitor', `k${seq}`, 'retry', idempotencyKey('visitor', `k${seq}`))?.seq).toBe(seq);
      expect(log.find('agent', `k${seq}`, 'retry')).toBeUndefined();
    }
    expect(log.keys).toBe(4);
  });

  it('forgets the oldest keys past `maxKeys`, and says how many', () => {
    const log = filled(10, 3, 3);
    expect(log.push(message(4, 'visitor', { clientId: 'c4' }))).toEqual({ dropped: 0, forgottenKeys: 1 });
    expect(log.keys).toBe(3);
    expect(log.find('visitor', 'c1', 'retry')).toBeUndefined();
    expect(log.find('visitor', 'c2', 'retry')).toBeDefined();
  });

  it('keeps forgetting in the order keys came, over many messages and a forgotten key sent again', () => {
    const log = filled(10, 100, 300);
    // c1..c200 are forgotten, c201..c300 held; c5 sent again is a new key, the newest.
    expect([log.find('visitor', 'c200', 'r'), log.find('visitor', 'c201', 'r')].map(Boolean)).toEqual([false, true]);
    log.push(message(301, 'visitor', { clientId: 'c5' }));
    expect(log.find('visitor', 'c201', 'r')).toBeUndefined();
    for (let seq = 302; seq <= 400; seq++) log.push(message(seq, 'visitor', { clientId: `c${seq}` }));
    expect(log.keys).toBe(100);
    // c202..c300 went, in the order they came; c5, sent again after them, stays with c302..c400.
    expect([log.find('visitor', 'c5', 'r'), log.find('visitor', 'c300', 'r'), log.find('visitor', 'c302', 'r')].map(Boolean)).toEqual([true, false, true]);
  });

  it('a message without clientId holds no key', () => {
    const log = new MessageLog(3, 3);
    log.push(message(1));
    expect(log.keys).toBe(0);
  });
});

describe('range', () => {
  const log = filled(5, 10, 9); // keeps 5..9

  it('narrows to afterSeq < seq < beforeSeq, within what is kept', () => {
    expect(seqs(log, { afterSeq: 6 })).toEqual([7, 8, 9]);
    expect(seqs(log, { beforeSeq: 7 })).toEqual([5, 6]);
    expect(seqs(log, { afterSeq: 5, beforeSeq: 8 })).toEqual([6, 7]);
    expect(seqs(log, { afterSeq: 1 })).toEqual([5, 6, 7, 8, 9]);
    expect(seqs(log, { afterSeq: 9 })).toEqual([]);
    expect(seqs(log, { afterSeq: 7, beforeSeq: 8 })).toEqual([]);
  });

  it('past `limit`: the oldest when catching up after a seq, else the newest', () => {
    expect(seqs(log, { afterSeq: 5, limit: 2 })).toEqual([6, 7]);
    expect(seqs(log, { limit: 2 })).toEqual([8, 9]);
    expect(seqs(log, { beforeSeq: 9, limit: 2 })).toEqual([7, 8]);
  });

  it('reads fractional positions as whole seqs (a cursor never skips or repeats one)', () => {
    expect(seqs(log, { afterSeq: 6.5 })).toEqual([7, 8, 9]);
    expect(seqs(log, { beforeSeq: 6.5 })).toEqual([5, 6]);
  });
});
