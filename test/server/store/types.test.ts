import { describe, expect, it } from 'vitest';
import { DEFAULT_CONVERSATION_STATE } from '../../../src/server/store/types.js';

describe('the default conversation state (SPEC §11)', () => {
  it('is open, unassigned, nothing read, nothing unread', () => {
    expect(DEFAULT_CONVERSATION_STATE).toEqual({ status: 'open', visitorReadSeq: 0, agentReadSeq: 0, unread: 0 });
  });

  it('is frozen: a store copies it, never changes it for every conversation', () => {
    expect(Object.isFrozen(DEFAULT_CONVERSATION_STATE)).toBe(true);
    expect(() => {
      (DEFAULT_CONVERSATION_STATE as { unread: number }).unread = 1;
    }).toThrow(TypeError);
  });
});
