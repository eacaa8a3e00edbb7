/**
 * The bodies of the conversation-state routes (SPEC §11): `{ seq }` of a read
 * and `{ email }`, each refused with 400 ERR_BAD_REQUEST and a sentence that
 * says what to send.
 */
import { describe, expect, it } from 'vitest';
import { EMAIL_MAX_LENGTH, readEmailField, readSeqField } from '../../../../../src/server/handler/routes/shared/state-input.js';

const refusal = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    return error as { status: number; code: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('readSeqField', () => {
  it('takes a whole number from 0 up to the largest safe integer', () => {
    expect(readSeqField({ seq: 0 })).toBe(0);
    expect(readSeqField({ seq: 17 })).toBe(17);
    expect(readSeqField({ seq: Number.MAX_SAFE_INTEGER })).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses a negative, fractional, unsafe, textual or missing seq with a sentence naming the field', () => {
    for (const seq of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, '3', null, undefined, Number.NaN]) {
      expect(refusal(() => readSeqField({ seq })), String(seq)).toMatchObject({ status: 400, code: 'ERR_BAD_REQUEST', message: expect.stringContaining('seq must be') });
    }
  });
});

describe('readEmailField', () => {
  it('takes one address, trimmed', () => {
    expect(readEmailField({ email: '  ada@example.com ' })).toBe('ada@example.com');
    expect(readEmailField({ email: 'a.b+tag@mail.example.co.uk' })).toBe('a.b+tag@mail.example.co.uk');
  });

  it(`takes an address of exactly ${EMAIL_MAX_LENGTH} characters and refuses one longer`, () => {
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(60)}.com`;
    const exact = `${'a'.repeat(EMAIL_MAX_LENGTH - domain.length - 1)}@${domain}`;
    expect(exact).toHaveLength(EMAIL_MAX_LENGTH);
    expect(readEmailField({ email: exact })).toBe(exact);
    expect(refusal(() => readEmailField({ email: `a${exact}` }))).toMatchObject({ status: 400, code: 'ERR_BAD_REQUEST' });
  });

  it('refuses what is not one address: no domain dot, two @, spaces, a local part over 64, control characters, not a string', () => {
    for (const email of ['ada@localhost', 'a@b@example.com', 'ada lovelace@example.com', `${'a'.repeat(65)}@example.com`, 'ada@exa\u0000mple.com', 'ada@example.com\u202e', 42, undefined, '']) {
      expect(refusal(() => readEmailField({ email })), JSON.stringify(email)).toMatchObject({
        status: 400,
        code: 'ERR_BAD_REQUEST',
        message: `email must be one e-mail address such as name@example.com, at most ${EMAIL_MAX_LENGTH} characters.`,
      });
    }
  });
});
