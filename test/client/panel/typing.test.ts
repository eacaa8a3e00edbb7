/** SPEC §10 "Typing and read": typing both ways (panel/typing.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { typingView } from '../../../src/client/panel/typing.js';
import { h } from '../../../src/client/ui/dom.js';
import { fakeHost } from './host.js';

afterEach(() => vi.useRealTimers());

describe('typing', () => {
  it("the visitor's keystrokes: at most one notice per 3 s, without the text; none for blank input", () => {
    vi.useFakeTimers();
    const { host, calls, t } = fakeHost();
    const input = h('textarea') as HTMLTextAreaElement;
    typingView(host, t, input);
    const type = (value: string) => {
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    type('   ');
    expect(calls).toEqual([]);
    for (const value of ['h', 'he', 'hel', 'hell', 'hello']) type(value);
    expect(calls).toEqual([['/v1/typing', undefined]]);
    vi.advanceTimersByTime(3_000);
    type('hello!');
    expect(calls.length).toBe(2);
  });

  it("an agent's typing shows their name as text, capped, and fades or stops", () => {
    vi.useFakeTimers();
    const { host, t } = fakeHost();
    const view = typingView(host, t, h('textarea') as HTMLTextAreaElement);
    view.agent(`<b>${'x'.repeat(100)}</b>`);
    expect(view.row.hidden).toBe(false);
    expect(view.row.querySelector('b')).toBeNull();
    expect(view.row.firstChild!.textContent).toBe(`<b>${'x'.repeat(57)} is typing…`);
    vi.advanceTimersByTime(6_000);
    expect(view.row.hidden).toBe(true);
    view.agent('Alice');
    view.stop();
    expect(view.row.hidden).toBe(true);
  });
});
