/**
 * panel/notices.ts, SPEC §10 "Two scripts": the notices' texts come with panel.js and are
 * added beneath the host's translations when a notice is shown, to whatever strings the
 * element has by then.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPanelWithNotices } from '../../../src/client/panel/notices.js';
import { Strings } from '../../../src/client/support/i18n.js';
import type { PanelHost, PanelView } from '../../../src/client/ui/panel-contract.js';

afterEach(() => {
  document.body.innerHTML = '';
});

/** The panel with its notices' texts, on a host whose strings the test can replace. */
function make(strings: Strings): { view: PanelView; host: { strings: Strings }; root: ShadowRoot } {
  const host = { strings, embedded: false, open: false, getAttribute: () => null };
  const element = document.createElement('div');
  document.body.append(element);
  const root = element.attachShadow({ mode: 'open' });
  return { view: createPanelWithNotices(host as PanelHost, root, () => true), host, root };
}

/** The loader's session-expired notice: its texts read when shown (PANEL_API 3). */
function showExpired(made: ReturnType<typeof make>): { text: string | null | undefined; label: string | null | undefined } {
  const strings = (): Strings => made.host.strings;
  made.view.showNotice('session-expired', () => strings().t('expired'), { label: () => strings().t('refresh'), run() {} });
  const notice = made.root.querySelector('[data-kind="session-expired"]');
  return { text: notice?.querySelector('p')?.textContent, label: notice?.querySelector('button')?.textContent };
}

describe('the notices’ texts', () => {
  it('are there when a notice is shown, in English by default', () => {
    expect(showExpired(make(new Strings('en')))).toEqual({ text: 'Your session has expired. Please refresh the page to continue the conversation.', label: 'Refresh' });
  });

  it.each([
    ['fr', 'Rafraîchir'],
    ['fr-CA', 'Rafraîchir'],
    ['ar', 'تحديث'],
    ['he', 'רענון'],
    ['de', 'Refresh'],
  ])('speak the widget’s language (%s)', (locale, label) => {
    expect(showExpired(make(new Strings(locale))).label).toBe(label);
  });

  it('leave the host’s own translation in place', () => {
    const strings = new Strings('en');
    strings.add({ en: { refresh: 'Reload', offline: 'Offline, retrying' } });
    const made = make(strings);
    expect(showExpired(made).label).toBe('Reload');
    made.view.showNotice('offline', () => made.host.strings.t('offline'));
    expect(made.root.querySelector('[data-kind="offline"] p')!.textContent).toBe('Offline, retrying');
  });

  it('reach strings the element was given after the panel was made', () => {
    const made = make(new Strings('en'));
    made.host.strings = new Strings('fr');
    expect(showExpired(made).label).toBe('Rafraîchir');
  });
});
