/** SPEC §10 "Unread": the preview card, the announcement and the title alert (panel/unread.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { unreadView } from '../../../src/client/panel/unread.js';
import { isRtl } from '../../../src/client/panel/strings.js';
import { fakeHost } from './host.js';

afterEach(() => {
  document.body.replaceChildren();
  document.title = '';
  vi.useRealTimers();
});

function setup(attributes: Record<string, string> = {}) {
  const { host, t } = fakeHost({ attributes });
  const root = document.body.appendChild(document.createElement('div')).attachShadow({ mode: 'open' });
  const open = vi.fn();
  return { view: unreadView(host, root, t, open), root, open, host };
}

describe('unread while closed', () => {
  it('previews the newest agent message (quoted, text), announces it, prefixes the title, and clears all at 0', () => {
    vi.useFakeTimers();
    document.title = 'Shop';
    const { view, root, open } = setup({ titlealert: 'true' });
    view.entry({ key: 'a', author: 'agent', body: '<img src=x onerror=alert(1)>', state: 'sent', agent: { name: 'Alice' } });
    view.set(1);
    expect(view.card.hidden).toBe(false);
    expect(root.querySelector('img')).toBeNull();
    expect(view.card.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(document.title).toBe('(1) Shop');
    view.set(2);
    expect(document.title).toBe('(2) Shop');
    vi.advanceTimersByTime(200);
    expect(root.querySelector('p.sr')!.textContent).toBe('New message from Alice: <img src=x onerror=alert(1)>');
    (view.card.querySelector('.show') as HTMLButtonElement).click();
    expect(open).toHaveBeenCalledOnce();
    view.set(0);
    expect(view.card.hidden).toBe(true);
    expect(document.title).toBe('Shop');
  });

  it('the title is read and written through Document.prototype: an <img name="title"> cannot stand in', () => {
    document.title = 'Shop';
    document.body.insertAdjacentHTML('beforeend', '<img name="title">');
    const { view } = setup({ titlealert: 'true' });
    view.entry({ key: 'a', author: 'agent', body: 'hi', state: 'sent' });
    view.set(3);
    expect(Reflect.get(Document.prototype, 'title', document)).toBe('(3) Shop');
  });

  it('preview="false": no card; no titlealert: the title is left alone', () => {
    document.title = 'Shop';
    const { view } = setup({ preview: 'false' });
    view.entry({ key: 'a', author: 'agent', body: 'hi', state: 'sent' });
    view.set(1);
    expect(view.card.hidden).toBe(true);
    expect(document.title).toBe('Shop');
  });

  it('right-to-left locales', () => {
    expect(['ar', 'he', 'fa-IR', 'ur'].map((l) => isRtl(l.toLowerCase()))).toEqual([true, true, true, true]);
    expect(['en', 'fr', 'arn', 'hr'].map(isRtl)).toEqual([false, false, false, false]);
  });
});
