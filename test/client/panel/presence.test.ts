/** SPEC §10 "Nobody online" and the header's presence line (panel/presence.ts). */
import { describe, expect, it } from 'vitest';
import { presenceView } from '../../../src/client/panel/presence.js';
import { fakeHost, settle } from './host.js';

describe('presence and the e-mail (SPEC §10, §11)', () => {
  it('says who is there with the reply time, and offers the e-mail only while nobody is', () => {
    const { host, t } = fakeHost();
    const view = presenceView(host, t);
    expect(view.line.hidden).toBe(true);
    view.set({ available: true, replyTime: 'Usually replies within an hour' });
    expect(view.line.textContent).toBe('We are online · Usually replies within an hour');
    expect(view.line.hasAttribute('data-available')).toBe(true);
    expect(view.away.hidden).toBe(true);
    view.set({ available: false });
    expect(view.line.textContent).toBe('Nobody is online right now');
    expect(view.away.hidden).toBe(false);
    expect(view.away.querySelector('[part~="email"]')!.hasAttribute('hidden')).toBe(false);
  });

  it('refuses a bad address with what to do, sends a good one, then says where the answer goes', async () => {
    const { host, calls, t } = fakeHost();
    const view = presenceView(host, t);
    view.set({ available: false });
    const form = view.away.querySelector('form')!;
    const field = form.querySelector('input')!;
    field.value = 'nope';
    form.requestSubmit();
    expect(calls).toEqual([]);
    expect(form.querySelector('[role="alert"]')!.textContent).toBe('That does not look like an e-mail address. Check it and try again.');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    field.value = ' mia@example.test ';
    field.dispatchEvent(new Event('input'));
    expect(field.hasAttribute('aria-invalid')).toBe(false);
    form.requestSubmit();
    await settle();
    expect(calls).toEqual([['/v1/email', { email: 'mia@example.test' }]]);
    expect(view.away.querySelector('p')!.textContent).toBe('We will also answer by e-mail to mia@example.test.');
    expect(form.hidden).toBe(true);
  });

  it('a refused save says so and keeps the form', async () => {
    const { host, t } = fakeHost({ fail: true });
    const view = presenceView(host, t);
    view.set({ available: false });
    const form = view.away.querySelector('form')!;
    form.querySelector('input')!.value = 'mia@example.test';
    form.requestSubmit();
    await settle();
    expect(form.querySelector('[role="alert"]')!.textContent).toBe('Your e-mail could not be saved. Try again in a moment.');
    expect(form.hidden).toBe(false);
  });

  it("a signed identity's e-mail is sent once, without asking", async () => {
    const { host, calls, t } = fakeHost({ email: 'signed@example.test' });
    const view = presenceView(host, t);
    view.set({ available: false });
    view.set({ available: false });
    await settle();
    expect(calls).toEqual([['/v1/email', { email: 'signed@example.test' }]]);
    expect(view.away.querySelector('form')!.hidden).toBe(true);
    expect(view.away.querySelector('p')!.textContent).toBe('We will also answer by e-mail to signed@example.test.');
  });

  it('a presence with odd values is read safely: not available, no reply time', () => {
    const { host, t } = fakeHost();
    const view = presenceView(host, t);
    view.set({ available: 'yes', replyTime: { toString: () => 'x' } } as never);
    expect(view.line.textContent).toBe('Nobody is online right now');
  });

  it('is known from the policy answer at once, before any presence event; the stream then takes over', () => {
    const { host, t } = fakeHost();
    const view = presenceView(host, t);
    (host as { policy?: object }).policy = { messageMaxLength: 4000, presence: { available: false, replyTime: 'Back at 9:00', extra: 1 } };
    view.render();
    expect(view.line.hidden).toBe(false);
    expect(view.line.textContent).toBe('Nobody is online right now · Back at 9:00');
    expect(view.away.hidden).toBe(false);
    view.set({ available: true });
    expect(view.line.textContent).toBe('We are online');
    expect(view.away.hidden).toBe(true);
  });

  it('a policy answer without presence (an older server, no agents) shows no line', () => {
    const { host, t } = fakeHost();
    const view = presenceView(host, t);
    (host as { policy?: object }).policy = { messageMaxLength: 4000 };
    view.render();
    expect(view.line.hidden).toBe(true);
    expect(view.away.hidden).toBe(true);
  });
});
