import { describe, expect, it } from 'vitest';
import { applyStateChange, countVisitorMessages, noteVisitorMessage } from '../../../src/server/store/state.js';
import { DEFAULT_CONVERSATION_STATE, type ConversationState } from '../../../src/server/store/types.js';
import { message } from './fixtures.js';

const none = (): number => 0;
const state = (extra: Partial<ConversationState>): ConversationState => ({ ...DEFAULT_CONVERSATION_STATE, ...extra });

describe('updateState merge rules (SPEC §11)', () => {
  it('starts from the default state and keeps the fields a change omits', () => {
    expect(applyStateChange(undefined, {}, 0, none)).toEqual(DEFAULT_CONVERSATION_STATE);
    expect(applyStateChange(state({ assignee: 'ana', email: 'v@shop.test' }), { status: 'closed' }, 5, none)).toEqual(state({ status: 'closed', assignee: 'ana', email: 'v@shop.test' }));
  });

  it('assigns, and unassigns on `assignee: null`', () => {
    const assigned = applyStateChange(undefined, { assignee: 'ana' }, 0, none);
    expect(assigned.assignee).toBe('ana');
    const unassigned = applyStateChange(assigned, { assignee: null }, 0, none);
    expect(unassigned).not.toHaveProperty('assignee');
  });

  it('moves read positions forward only, never past lastSeq, in whole seqs', () => {
    const read = state({ visitorReadSeq: 4, agentReadSeq: 4 });
    expect(applyStateChange(read, { visitorReadSeq: 2, agentReadSeq: 1 }, 10, none)).toMatchObject({ visitorReadSeq: 4, agentReadSeq: 4 });
    expect(applyStateChange(read, { visitorReadSeq: 99, agentReadSeq: 99 }, 10, none)).toMatchObject({ visitorReadSeq: 10, agentReadSeq: 10 });
    expect(applyStateChange(read, { visitorReadSeq: 7.9 }, 10, none).visitorReadSeq).toBe(7);
  });

  it('recounts unread as the visitor messages after the new agent read position', () => {
    const asked: number[] = [];
    const after = (seq: number): number => {
      asked.push(seq);
      return 10 - seq;
    };
    expect(applyStateChange(state({ unread: 9 }), { agentReadSeq: 7 }, 10, after).unread).toBe(3);
    expect(asked).toEqual([7]);
    expect(applyStateChange(state({ unread: 9 }), { visitorReadSeq: 7 }, 10, after).unread).toBe(9);
  });

  it('never changes the state it was given', () => {
    const current = Object.freeze(state({ assignee: 'ana' }));
    applyStateChange(current, { assignee: null, status: 'closed' }, 0, none);
    expect(current).toEqual(state({ assignee: 'ana' }));
  });
});

describe('a visitor message', () => {
  it('counts as unread past the agent read position, and reopens a closed conversation', () => {
    expect(noteVisitorMessage(undefined, 1)).toEqual(state({ unread: 1 }));
    expect(noteVisitorMessage(state({ status: 'closed', agentReadSeq: 3, unread: 2 }), 4)).toEqual(state({ agentReadSeq: 3, unread: 3 }));
  });

  it('the agents already read that far: not unread', () => {
    expect(noteVisitorMessage(state({ agentReadSeq: 5 }), 5).unread).toBe(0);
  });

  it('counts only the visitor messages of a list', () => {
    expect(countVisitorMessages([message(1), message(2, 'agent'), message(3), message(4, 'agent')])).toBe(2);
    expect(countVisitorMessages([])).toBe(0);
  });
});
