/** SPEC §10 "Nothing typed is lost": the composer's counter (panel/counter.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composerCounter } from '../../../src/client/panel/counter.js';
import { h } from '../../../src/client/ui/dom.js';
import { fakeHost } from './host.js';

afterEach(() => vi.useRealTimers());

function setup(limit?: number) {
  vi.useFakeTimers();
  const { host } = fakeHost();
  if (limit) (host as { policy?: object }).policy = { messageMaxLength: limit };
  const input = h('textarea') as HTMLTextAreaElement;
  const counter = composerCounter(host, input);
  const type = (value: string) => {
    input.value = value;
    input.dispatchEvent(new Event('input'));
    vi.advanceTimersByTime(100);
  };
  return { host, input, counter, type };
}

describe('the composer counter', () => {
  it('is hidden below 90 % of the limit, shows "count / max" from there, in the locale', () => {
    const { counter, type, input } = setup();
    type('a'.repeat(3_599));
    expect(counter.line.hidden).toBe(true);
    expect(input.hasAttribute('aria-describedby')).toBe(false);
    type('a'.repeat(3_950));
    expect(counter.line.hidden).toBe(false);
    expect(counter.line.textContent).toBe('3,950 / 4,000');
    expect(input.getAttribute('aria-describedby')).toBe('chatq-counter');
  });

  it('counts against the server’s limit from the policy, trimmed as the server counts', () => {
    const { counter, type } = setup(100);
    type(`  ${'a'.repeat(89)}\n\n`);
    expect(counter.line.hidden).toBe(true);
    type('a'.repeat(95));
    expect(counter.line.textContent).toBe('95 / 100');
  });

  it('at the limit says so and still sends; over it says why and refuses', () => {
    const { counter, type, input } = setup(100);
    type('a'.repeat(100));
    expect(counter.line.textContent).toBe('100 / 100 · Limit reached: 100 characters.');
    expect(counter.allows()).toBe(true);
    type('a'.repeat(101));
    expect(counter.line.hasAttribute('data-over')).toBe(true);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(counter.line.textContent).toContain('Too long to send: 101 of 100 characters. Shorten it to send.');
    expect(counter.allows()).toBe(false);
    type('a'.repeat(50));
    expect(counter.line.hidden).toBe(true);
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(counter.allows()).toBe(true);
  });

  it('announces politely only when the level changes, not on every keystroke; a refused send is said again', () => {
    const { counter, type } = setup(100);
    expect(counter.said.getAttribute('role')).toBe('status');
    const heard: string[] = [];
    const observer = new MutationObserver(() => undefined);
    observer.observe(counter.said, { childList: true, characterData: true, subtree: true });
    /** What the live region was set to since last asked: each rewrite is one announcement. */
    const listen = () => {
      if (observer.takeRecords().length && counter.said.textContent) heard.push(counter.said.textContent);
    };
    for (let n = 85; n <= 102; n++) {
      type('a'.repeat(n));
      listen();
    }
    expect(heard).toEqual(['90 of 100 characters used.', 'Limit reached: 100 characters.', 'Too long to send: 101 of 100 characters. Shorten it to send.']);
    expect(counter.allows()).toBe(false);
    vi.advanceTimersByTime(100);
    listen();
    expect(heard.at(-1)).toBe('Too long to send: 102 of 100 characters. Shorten it to send.');
    expect(heard.length).toBe(4);
  });

  it('speaks French in a French widget', () => {
    vi.useFakeTimers();
    const { host } = fakeHost();
    host.strings.locale = 'fr';
    (host as { policy?: object }).policy = { messageMaxLength: 4000 };
    const input = h('textarea') as HTMLTextAreaElement;
    const counter = composerCounter(host, input);
    input.value = 'a'.repeat(4001);
    counter.update();
    expect(counter.line.textContent).toMatch(/^4\s001 \/ 4\s000 · Trop long/);
  });
});
