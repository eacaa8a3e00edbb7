/**
 * The full path (issue 4): a visitor signed in with a JWT on the host origin
 * talks to an agent through the handler on the chat origin; replies arrive
 * live over SSE, survive a dropped stream without loss or duplicates, and
 * several tabs of one browser agree (SPEC §5 "Logout, user switch and several tabs").
 */
import { expect, it } from 'vitest';
import {
  describeBrowser,
  jwtFor,
  messageTexts,
  pageEvents,
  pushCommand,
  sendAsVisitor,
  signIn,
  useStage,
  waitForLauncher,
} from './harness.js';
import { HS_KEY } from '../helpers/sign.js';

describeBrowser('conversation between a signed visitor and an agent', () => {
  const stage = useStage();

  it('require mode: launcher after verification; message reaches the agent with the mapped identity; the reply shows live', async () => {
    const { chat } = stage;
    const { page, probe, w } = await stage.visit('/shop.html');
    await page.waitForFunction(() => customElements.get('chatq-messenger') !== undefined);
    // SPEC §5: in require mode an anonymous visitor cannot start a conversation.
    await page.waitForTimeout(300);
    expect(await w.launcher.isVisible()).toBe(false);

    const jwt = jwtFor('cust-1', 3600, { firstname: 'Ada', extra_values: { customer_id: 'ACME', crm: 'CRM-77', crm_bad: 'x' } });
    await signIn(page, jwt);
    await waitForLauncher(page);
    await sendAsVisitor(page, 'Where is my order?');

    const conv = await chat.agent.waitFor((c) => c.uuid === 'cust-1' && c.messages.length > 0);
    expect(conv).toMatchObject({
      uuid: 'cust-1',
      uuidSource: 'jwt',
      signed: true,
      kid: HS_KEY.kid,
      fields: { firstname: 'Ada', company: 'ACME' },
      customFields: { crm_id: 'CRM-77' },
    });
    expect(conv.extraValues).toMatchObject({ customer_id: 'ACME', crm: 'CRM-77', crm_bad: 'x' });
    expect(conv.messages.map((m) => [m.author, m.body])).toEqual([['visitor', 'Where is my order?']]);

    const reply = await chat.agent.reply(conv.id, 'It ships today.');
    expect(reply.ok).toBe(true);
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['Where is my order?', 'It ships today.']);
    const received = (await pageEvents(page)).filter((e) => e.event === 'message_received');
    expect(received.map((e) => e.message?.body)).toEqual(['It ships today.']);
    expect(probe.pageErrors).toEqual([]);
  });

  it('nothing is lost or duplicated when the stream drops, and the reconnect resends Last-Event-ID', async () => {
    const { chat } = stage;
    const { page, probe } = await stage.visitSignedIn('/shop.html', jwtFor('cust-2'));
    await sendAsVisitor(page, 'hello');
    const conv = await chat.agent.waitFor((c) => c.uuid === 'cust-2' && c.messages.length > 0);
    await chat.agent.reply(conv.id, 'reply 1');
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['hello', 'reply 1']);
    const streamsBefore = probe.requests.filter((r) => r.url.includes('/v1/stream')).length;

    // Cut every connection (the SSE stream included), then reply while the widget reconnects.
    chat.dropConnections();
    await chat.agent.reply(conv.id, 'reply 2');
    await chat.agent.reply(conv.id, 'reply 3');
    await expect.poll(() => messageTexts(page), { timeout: 15_000 }).toEqual(['hello', 'reply 1', 'reply 2', 'reply 3']);

    // And once more, while the stream is up again: still exactly once each.
    await chat.agent.reply(conv.id, 'reply 4');
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['hello', 'reply 1', 'reply 2', 'reply 3', 'reply 4']);
    await page.waitForTimeout(500);
    expect(await messageTexts(page)).toEqual(['hello', 'reply 1', 'reply 2', 'reply 3', 'reply 4']);

    const reconnects = probe.requests.filter((r) => r.url.includes('/v1/stream')).slice(streamsBefore);
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    // The stream position as the stream gave it: <epoch>.<seq> (issue 16).
    expect(reconnects[0]!.headers['last-event-id']).toMatch(/^[A-Za-z0-9_-]{1,32}\.\d+$/);
    expect(probe.pageErrors).toEqual([]);
  });

  it('two tabs of one browser agree: messages show in both, logout in one clears the other', async () => {
    const { chat } = stage;
    const jwt = jwtFor('cust-3');
    const a = await stage.visit('/shop.html');
    const b = await stage.visit('/shop.html', a.context);
    // The host page knows its logged-in user in every tab.
    await signIn(a.page, jwt);
    await signIn(b.page, jwt);
    for (const { page, w } of [a, b]) {
      await waitForLauncher(page);
      await w.launcher.click();
    }
    await sendAsVisitor(a.page, 'sent from tab A');
    await expect.poll(() => messageTexts(b.page), { timeout: 10_000 }).toEqual(['sent from tab A']);

    const conv = await chat.agent.waitFor((c) => c.uuid === 'cust-3' && c.messages.length > 0);
    await chat.agent.reply(conv.id, 'agent answer');
    for (const { page } of [a, b]) {
      await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['sent from tab A', 'agent answer']);
    }
    // Exactly one conversation for this visitor, whatever the number of tabs.
    expect((await chat.agent.conversations()).filter((c) => c.uuid === 'cust-3')).toHaveLength(1);

    await pushCommand(a.page, ['_clearIdentity']);
    for (const { page } of [a, b]) {
      await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual([]);
    }
    expect(a.probe.pageErrors).toEqual([]);
    expect(b.probe.pageErrors).toEqual([]);
  });

  it('a signed identity with another uuid is a user switch: the screen is cleared and a new conversation starts', async () => {
    const { chat } = stage;
    const { page, probe, w } = await stage.visitSignedIn('/shop.html', jwtFor('switch-a'));
    await sendAsVisitor(page, 'I am A');
    await chat.agent.waitFor((c) => c.uuid === 'switch-a' && c.messages.length > 0);

    await signIn(page, jwtFor('switch-b'));
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual([]);
    // B writes once B is verified: the send button alone can still show A's session for a moment.
    await expect.poll(async () => (await pageEvents(page)).filter((e) => e.event === 'identity_verified').length).toBe(2);
    await expect.poll(() => w.send.isDisabled()).toBe(false);
    await sendAsVisitor(page, 'I am B');
    const b = await chat.agent.waitFor((c) => c.uuid === 'switch-b' && c.messages.length > 0);
    expect(b.messages.map((m) => m.body)).toEqual(['I am B']);
    const a = (await chat.agent.conversations()).find((c) => c.uuid === 'switch-a')!;
    expect(a.messages.map((m) => m.body)).toEqual(['I am A']);
    expect(await messageTexts(page)).toEqual(['I am B']);
    expect(probe.pageErrors).toEqual([]);
  });
});
