/**
 * SPEC §10 "Unread", `titleAlert`, over the widget's life (panel/unread.ts with the messenger):
 * the count the panel put before the tab's title goes when the widget goes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flush, setup, token, useCleanPage } from '../helpers.js';

useCleanPage();
afterEach(() => {
  document.title = '';
});

describe('the title alert is not left behind', () => {
  async function alerted() {
    document.title = 'Shop';
    const { chat, server } = await setup();
    chat.setConfiguration({ titleAlert: true });
    await chat.setIdentity(token());
    await flush(); // history loaded, stream open
    await server.agentSays('visitor-1', 'hello');
    await flush();
    expect(document.title).toBe('(1) Shop');
    return chat;
  }

  it('destroy() gives the page its own title back', async () => {
    const chat = await alerted();
    chat.destroy();
    await flush();
    expect(document.title).toBe('Shop');
  });

  it('a logout (clearIdentity) does too: the next visitor has nothing unread', async () => {
    const chat = await alerted();
    chat.clearIdentity();
    await flush();
    expect(document.title).toBe('Shop');
  });
});
