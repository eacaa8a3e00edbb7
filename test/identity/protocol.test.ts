/**
 * The bounds protocol.ts shares between the widget and the handler (SPEC §2,
 * §6): the protocol version, a message's length, a clientId and an automated
 * uuid. The routes that apply them are tested in test/server/handler.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../src/client/support/ids.js';
import { AUTOMATED_UUID_PATTERN, CLIENT_ID_PATTERN, MESSAGE_MAX_LENGTH, PROTOCOL_VERSION } from '../../src/identity/protocol.js';

describe('the protocol version and the message bound', () => {
  it('is version 1, and a message holds at most 4000 characters (SPEC §6)', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expect(MESSAGE_MAX_LENGTH).toBe(4000);
  });
});

describe('CLIENT_ID_PATTERN: a message clientId, 8 to 64 base64url characters', () => {
  it('accepts the bounds and the widget\'s own ids', () => {
    expect(CLIENT_ID_PATTERN.test('a'.repeat(8))).toBe(true);
    expect(CLIENT_ID_PATTERN.test('Az09_-Az'.repeat(8))).toBe(true);
    expect(CLIENT_ID_PATTERN.test(randomId())).toBe(true);
  });

  it('refuses 7 or 65 characters', () => {
    expect(CLIENT_ID_PATTERN.test('a'.repeat(7))).toBe(false);
    expect(CLIENT_ID_PATTERN.test('a'.repeat(65))).toBe(false);
  });

  it('refuses characters outside base64url, and a trailing line break', () => {
    for (const id of ['abcdefg+', 'abcdefg/', 'abcdefg=', 'abcd efg', 'abcdéfgh', 'abcdefgh\n', '<script>']) {
      expect(CLIENT_ID_PATTERN.test(id), JSON.stringify(id)).toBe(false);
    }
  });
});

describe('AUTOMATED_UUID_PATTERN: SPEC §2, a random id the browser makes', () => {
  it('accepts the widget\'s randomId and a standard UUID', () => {
    expect(AUTOMATED_UUID_PATTERN.test(randomId())).toBe(true);
    expect(AUTOMATED_UUID_PATTERN.test(randomUUID())).toBe(true);
  });

  it('accepts 22 to 64 base64url characters and refuses 21 or 65: short enough ids would be guessable', () => {
    expect(AUTOMATED_UUID_PATTERN.test('a'.repeat(22))).toBe(true);
    expect(AUTOMATED_UUID_PATTERN.test('_-'.repeat(32))).toBe(true);
    expect(AUTOMATED_UUID_PATTERN.test('a'.repeat(21))).toBe(false);
    expect(AUTOMATED_UUID_PATTERN.test('a'.repeat(65))).toBe(false);
  });

  it('refuses standard base64, spaces, a line break and an empty string', () => {
    for (const id of ['', `${'a'.repeat(22)}=`, `${'a'.repeat(21)}+`, `${'a'.repeat(21)}/`, `${'a'.repeat(11)} ${'a'.repeat(11)}`, `${randomUUID()}\n`]) {
      expect(AUTOMATED_UUID_PATTERN.test(id), JSON.stringify(id)).toBe(false);
    }
  });
});
