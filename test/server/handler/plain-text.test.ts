/**
 * SPEC §6: a visitor's message, and the page title and URL, are plain text
 * under the same rule as identity strings (src/identity/text.ts): no C0/C1
 * controls (a message may hold tab, LF, CR), well-formed UTF-16, no bidi
 * override or isolate characters.
 */
import { describe, expect, it } from 'vitest';
import { json, makeHandler, register, req, send } from './helpers.js';

async function visitor() {
  const handler = makeHandler();
  const { session } = await register(handler);
  return { handler, session: session as string };
}

describe('message bodies', () => {
  it.each([
    ['a bidi override', 'see Bob\u202Egnp.exe'],
    ['an isolate', 'a \u2066b\u2069 c'],
    ['a C1 control', 'CSI \u009B31m red'],
    ['NUL', 'a\u0000b'],
    ['a lone surrogate', 'half \uD83D'],
  ])('with %s → 400 ERR_MESSAGE_INVALID, and nothing is stored', async (_what, body) => {
    const { handler, session } = await visitor();
    const response = await send(handler, session, body);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toEqual({ code: 'ERR_MESSAGE_INVALID', message: expect.stringMatching(/bidi controls/) });
    const conversation = await json(await handler(req('/v1/conversation', { session })));
    expect(conversation.messages).toEqual([]);
  });

  it('several lines, tabs, emoji with ZWJ and zero-width characters are a message; the same with U+202E is not', async () => {
    const { handler, session } = await visitor();
    const body = 'Hello,\r\n\tmy order 👩‍💻 ශ්‍රී\u200B is late';
    const response = await send(handler, session, body);
    expect(response.status).toBe(201);
    expect((await json(response)).message.body).toBe(body);
    expect((await send(handler, session, `${body} \u202E`)).status).toBe(400);
  });
});

describe('page title and URL are one line', () => {
  it.each([
    ['a bidi override in the title', { title: 'Invoice \u202Efdp.exe' }],
    ['a line feed in the title', { title: 'Checkout\nStep 2' }],
    ['a C1 control in the URL', { url: 'https://shop.test/\u0085' }],
  ])('%s → 400 ERR_BAD_REQUEST', async (_what, body) => {
    const { handler, session } = await visitor();
    const response = await handler(req('/v1/page', { session, body }));
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('ERR_BAD_REQUEST');
  });

  it('an ordinary title and URL are accepted; the same title with U+2067 is not', async () => {
    const { handler, session } = await visitor();
    const response = await handler(req('/v1/page', { session, body: { title: 'Zoë’s shop — 👟', url: 'https://shop.test/p?q=1' } }));
    expect(response.status).toBe(204);
    expect((await handler(req('/v1/page', { session, body: { title: 'Zoë’s shop — \u2067👟' } }))).status).toBe(400);
  });
});
