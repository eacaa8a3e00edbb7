import { describe, expect, it } from 'vitest';
import { readBearerToken } from '../../../../src/server/handler/http/bearer.js';

const withAuthorization = (value?: string): Request =>
  new Request('https://chat.test/v1/conversation', value === undefined ? {} : { headers: { Authorization: value } });

describe('readBearerToken', () => {
  it('reads the token of `Bearer <token>`, the scheme in any case and any number of spaces', () => {
    expect(readBearerToken(withAuthorization('Bearer abc.DEF-123'))).toEqual({ present: true, token: 'abc.DEF-123' });
    expect(readBearerToken(withAuthorization('bearer   tok'))).toEqual({ present: true, token: 'tok' });
  });

  it('tells a missing header (present: false) from a malformed one (present, no token)', () => {
    expect(readBearerToken(withAuthorization())).toEqual({ present: false, token: undefined });
    for (const malformed of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Bearertok', 'Token tok']) {
      expect(readBearerToken(withAuthorization(malformed)), malformed).toEqual({ present: true, token: undefined });
    }
  });
});
