/**
 * Posting a message, the steps the visitor's and the agent's routes share
 * (SPEC §6): the clientId and body rules with their 400 ERR_MESSAGE_INVALID,
 * and the append — idempotent by clientId, retried once when its outcome is unknown.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGE_MAX_LENGTH } from '../../../../../src/identity/index.js';
import { EngineError } from '../../../../../src/server/engine/types.js';
import type { HandlerContext } from '../../../../../src/server/handler/context.js';
import { HttpError } from '../../../../../src/server/handler/http/errors.js';
import { postMessage, readClientId, readMessageBody } from '../../../../../src/server/handler/routes/shared/messages.js';
import { body, newConversation, refusal, routeContext } from '../route-context.js';

const thrown = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    return error as HttpError;
  }
  throw new Error('expected a refusal');
};

const gone = () => new HttpError(404, 'ERR_NOT_FOUND', 'No conversation has this id.');

describe('readClientId', () => {
  it('takes 8 to 64 characters of [A-Za-z0-9_-]', () => {
    expect(readClientId('client_1', true)).toBe('client_1');
    expect(readClientId('x'.repeat(64), true)).toBe('x'.repeat(64));
  });

  it('may be absent for an agent, never for the widget', () => {
    expect(readClientId(undefined, false)).toBeUndefined();
    expect(thrown(() => readClientId(undefined, true))).toMatchObject({ status: 400, code: 'ERR_MESSAGE_INVALID' });
  });

  it('refuses 7 or 65 characters, other characters and a non-string, saying what a clientId is', () => {
    for (const value of ['client1', 'x'.repeat(65), 'client 01', 'client/01', 12345678, null]) {
      expect(thrown(() => readClientId(value, false)), String(value)).toMatchObject({
        status: 400,
        code: 'ERR_MESSAGE_INVALID',
        message: 'clientId must be 8–64 characters [A-Za-z0-9_-], chosen once per message.',
      });
    }
  });
});

describe('readMessageBody', () => {
  it('trims the text and keeps the line breaks and tabs inside it', () => {
    expect(readMessageBody('  Hello,\n\tworld  ')).toBe('Hello,\n\tworld');
  });

  it(`takes ${MESSAGE_MAX_LENGTH} characters after trimming and refuses one more, naming both numbers`, () => {
    expect(readMessageBody(` ${'a'.repeat(MESSAGE_MAX_LENGTH)} `)).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(thrown(() => readMessageBody('a'.repeat(MESSAGE_MAX_LENGTH + 1)))).toMatchObject({
      status: 400,
      code: 'ERR_MESSAGE_INVALID',
      message: `body must be at most ${MESSAGE_MAX_LENGTH} characters, got ${MESSAGE_MAX_LENGTH + 1}.`,
    });
  });

  it('refuses an empty or blank body, a non-string, and control or bidi characters', () => {
    expect(thrown(() => readMessageBody(' \n '))).toMatchObject({ code: 'ERR_MESSAGE_INVALID', message: 'body is empty.' });
    expect(thrown(() => readMessageBody({ text: 'hi' }))).toMatchObject({ code: 'ERR_MESSAGE_INVALID', message: 'body must be a string of text.' });
    for (const value of ['hi\u0000there', 'pay \u202eevil', 'broken \ud800 surrogate']) {
      expect(thrown(() => readMessageBody(value)), JSON.stringify(value)).toMatchObject({ status: 400, code: 'ERR_MESSAGE_INVALID', message: expect.stringContaining('plain text') });
    }
  });
});

describe('postMessage', () => {
  it('stores a new message with the context’s clock and answers 201; the same clientId again answers 200 with the stored one', async () => {
    const { ctx, clock } = routeContext();
    const { id } = await newConversation(ctx);
    const first = await postMessage(ctx, id, { author: 'visitor', body: 'Hello', clientId: 'client_0001' }, gone);
    expect(first.status).toBe(201);
    expect(body(first).message).toMatchObject({ seq: 1, author: 'visitor', body: 'Hello', clientId: 'client_0001', createdAt: clock.now });
    clock.now += 1_000;
    const retry = await postMessage(ctx, id, { author: 'visitor', body: 'Hello', clientId: 'client_0001' }, gone);
    expect(retry.status).toBe(200);
    expect(body(retry)).toEqual(body(first));
    expect(await ctx.store.listMessages(id)).toHaveLength(1);
  });

  it('stores an agent’s message with its agent; without a clientId each post is a new message', async () => {
    const { ctx } = routeContext();
    const { id } = await newConversation(ctx);
    const agent = { id: 'alice', name: 'Alice' };
    for (const _ of [1, 2]) expect((await postMessage(ctx, id, { author: 'agent', agent, body: 'Hi', clientId: undefined }, gone)).status).toBe(201);
    const stored = await ctx.store.listMessages(id);
    expect(stored.map((message) => [message.seq, message.agent])).toEqual([[1, agent], [2, agent]]);
    expect(stored[0]).not.toHaveProperty('clientId');
  });

  it('throws what `missing` gives when the conversation does not exist', async () => {
    const { ctx } = routeContext();
    expect(await refusal(postMessage(ctx, 'default.00000000-0000-0000-0000-000000000000', { author: 'visitor', body: 'Hi', clientId: 'client_0001' }, gone))).toMatchObject({ status: 404, code: 'ERR_NOT_FOUND' });
  });

  describe('an append whose outcome is unknown (past a deadline, the message may be stored)', () => {
    /** The context's store, its first append stored and then reported as ERR_OUTCOME_UNKNOWN; later ones as `then` says. */
    function unknownOutcome(ctx: HandlerContext, then: 'store' | 'fail-again' = 'store'): HandlerContext {
      let calls = 0;
      const store = {
        ...ctx.store,
        async appendMessage(...args: Parameters<HandlerContext['store']['appendMessage']>) {
          calls++;
          if (calls === 1) {
            await ctx.store.appendMessage(...args);
            throw new EngineError('ERR_OUTCOME_UNKNOWN', 'the store did not answer in time', 7);
          }
          if (then === 'fail-again') throw new EngineError('ERR_UNAVAILABLE', 'still down');
          return ctx.store.appendMessage(...args);
        },
      };
      return { ...ctx, store };
    }

    it('retries once with the same clientId and answers 201: the first try stored it, and it is stored once', async () => {
      const { ctx } = routeContext();
      const { id } = await newConversation(ctx);
      const reply = await postMessage(unknownOutcome(ctx), id, { author: 'visitor', body: 'Hello', clientId: 'client_0001' }, gone);
      expect(reply.status).toBe(201);
      expect(await ctx.store.listMessages(id)).toHaveLength(1);
    });

    it('does not retry without a clientId (a retry could store it twice)', async () => {
      const { ctx } = routeContext();
      const { id } = await newConversation(ctx);
      expect(await refusal(postMessage(unknownOutcome(ctx), id, { author: 'agent', body: 'Hi', clientId: undefined }, gone))).toMatchObject({ code: 'ERR_OUTCOME_UNKNOWN' });
      expect(await ctx.store.listMessages(id)).toHaveLength(1);
    });

    it('a retry that fails with an engine error still says the outcome is unknown, with the first error’s wait', async () => {
      const { ctx } = routeContext();
      const { id } = await newConversation(ctx);
      const error = await refusal(postMessage(unknownOutcome(ctx, 'fail-again'), id, { author: 'visitor', body: 'Hello', clientId: 'client_0001' }, gone));
      expect(error).toBeInstanceOf(EngineError);
      expect(error).toMatchObject({ code: 'ERR_OUTCOME_UNKNOWN', message: 'the store did not answer in time', retryAfter: 7 });
    });
  });
});
