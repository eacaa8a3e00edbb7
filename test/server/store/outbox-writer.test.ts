import { describe, expect, it } from 'vitest';
import { statusEvent } from '../../../src/server/store/outbox-writer.js';
import { DEFAULT_CONVERSATION_STATE } from '../../../src/server/store/types.js';
import { conversation } from './fixtures.js';

const open = conversation('acme.c1', 10, { lastSeq: 4 });
const closed = conversation('acme.c1', 10, { lastSeq: 4, state: { ...DEFAULT_CONVERSATION_STATE, status: 'closed' } });

describe('the outbox event of a state change (SPEC §12)', () => {
  it('is conversation.closed when the status moved to closed, at the conversation lastSeq', () => {
    expect(statusEvent(open, closed, 777)).toEqual({ type: 'conversation.closed', conversationId: 'acme.c1', seq: 4, at: 777 });
  });

  it('is conversation.reopened when it moved back to open (a record without state reads as open)', () => {
    expect(statusEvent(closed, { ...open, lastSeq: 5 }, 888)).toEqual({ type: 'conversation.reopened', conversationId: 'acme.c1', seq: 5, at: 888 });
  });

  it('is none when the status did not move (other state changes, or none)', () => {
    expect(statusEvent(open, { ...open, state: { ...DEFAULT_CONVERSATION_STATE, assignee: 'agent-1', unread: 3 } }, 1)).toBeUndefined();
    expect(statusEvent(closed, closed, 1)).toBeUndefined();
  });
});
