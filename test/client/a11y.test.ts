import { describe, expect, it, vi } from 'vitest';
import { nowSeconds } from '../helpers/sign.js';
import { BASE, flush, part, realServer, setup, texts, token, typeAndSend, useCleanPage } from './helpers.js';
import { createMessenger } from '../../src/client/index.js';

useCleanPage();

describe('accessibility details', () => {
  it('the launcher controls the panel (aria-controls names its id)', async () => {
    const { chat, root } = await setup();
    await chat.setIdentity(token());
    const id = part(root, 'launcher').getAttribute('aria-controls');
    expect(id).toBe('chatq-panel');
    expect(root.getElementById(id!)).toBe(part(root, 'panel'));
  });

  it('floating, the panel is a dialog; embedded, a labelled region', async () => {
    const { chat, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    expect(part(root, 'panel').getAttribute('role')).toBe('dialog');
    const container = document.createElement('div');
    document.body.append(container);
    const embedded = await setup({ container });
    await embedded.chat.setIdentity(token());
    const panel = part(embedded.root, 'panel');
    expect(panel.hidden).toBe(false);
    expect(panel.getAttribute('role')).toBe('region');
    expect(panel.getAttribute('aria-labelledby')).toBe('chatq-title');
    expect(embedded.root.getElementById('chatq-title')!.textContent).toBe('Chat');
  });

  it('status notices go into one live region that exists before them', async () => {
    // One message a minute: the second meets the handler's real limit.
    const { chat, root } = await setup({}, { limits: { messagesPerMinutePerSession: 1 } });
    await chat.setIdentity(token());
    chat.open();
    const live = root.querySelector('[role="status"]')!;
    expect(live.children).toHaveLength(0); // there, and empty, before any notice
    typeAndSend(root, 'first');
    await flush();
    typeAndSend(root, 'too fast');
    await flush();
    const notice = root.querySelector('[part="notice"][data-kind="rate-limited"]')!;
    expect(notice.textContent).toContain('60 seconds');
    expect(notice.parentElement).toBe(live);
    // The region itself announces; the notice is not a second live region created filled.
    expect(notice.hasAttribute('role')).toBe(false);
  });

  it('the log is aria-busy while the history loads, so the backlog is not read out', async () => {
    const server = realServer().install();
    // The conversation already holds an agent message (from an earlier visit on another device).
    await server.register({ jwt: token() });
    await server.agentSays('visitor-1', 'old');
    const release = server.hold('/v1/conversation'); // the history is slow to arrive
    const chat = createMessenger({ server: BASE });
    await flush();
    const root = document.querySelector('chatq-messenger')!.shadowRoot!;
    await chat.setIdentity(token());
    expect(part(root, 'messages').getAttribute('aria-busy')).toBe('true');
    release();
    await flush();
    expect(part(root, 'messages').getAttribute('aria-busy')).toBe('false');
    expect(texts(root)).toEqual(['old']);
    chat.destroy();
  });

  it('Retry moves the focus to the input instead of losing it with the button', async () => {
    const { chat, root, server } = await setup();
    await chat.setIdentity(token());
    chat.open();
    server.fail('/v1/messages', { status: 503, code: 'ERR_UNAVAILABLE' }); // an outage in front of the server
    typeAndSend(root, 'hello');
    await flush();
    const retry = root.querySelector<HTMLButtonElement>('[part="message"] .meta button')!;
    retry.focus();
    expect(root.activeElement).toBe(retry);
    retry.click();
    await flush();
    expect(root.activeElement).toBe(part(root, 'input'));
  });

  it('a notice removed while its button has focus hands the focus to the input', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { chat, root } = await setup();
    await chat.setIdentity(token({ exp: nowSeconds() + 3_700 }));
    chat.open();
    await vi.advanceTimersByTimeAsync(3_700_000);
    const refresh = root.querySelector<HTMLButtonElement>('[data-kind="session-expired"] button')!;
    refresh.focus();
    expect(root.activeElement).toBe(refresh);
    await chat.setSignedIdentity(token({ exp: nowSeconds() + 7_200 }));
    await flush();
    expect(root.querySelector('[data-kind="session-expired"]')).toBeNull();
    expect(root.activeElement).toBe(part(root, 'input'));
  });
});
