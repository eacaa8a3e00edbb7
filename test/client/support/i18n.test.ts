/** support/i18n.ts: the widget's strings (SPEC §5 `locale`, `_addTranslations`). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Strings } from '../../../src/client/support/i18n.js';

afterEach(() => {
  document.documentElement.lang = '';
  vi.unstubAllGlobals();
});

describe('choosing the locale', () => {
  it('takes the one given, lower-cased', () => {
    expect(new Strings('FR-CA').locale).toBe('fr-ca');
  });

  it('without one, takes the page’s lang, then the browser’s language', () => {
    document.documentElement.lang = 'fr';
    expect(new Strings().locale).toBe('fr');
    document.documentElement.lang = '';
    vi.stubGlobal('navigator', { language: 'de-DE' });
    expect(new Strings().locale).toBe('de-de');
  });

  it('falls back to English when neither the page nor the browser names one', () => {
    vi.stubGlobal('navigator', { language: '' });
    expect(new Strings().locale).toBe('en');
  });
});

describe('looking a text up', () => {
  it('uses the locale, then its language, then English, then the key itself', () => {
    const strings = new Strings('fr-CA');
    strings.add({ 'fr-CA': { title: 'Clavardage' }, en: { title: 'Chat', send: 'Send' } });
    expect(strings.t('title')).toBe('Clavardage');
    expect(strings.t('open')).toBe('Ouvrir le chat');
    expect(strings.t('send')).toBe('Send');
    expect(strings.t('dismiss')).toBe('dismiss');
  });

  it('fills {param} placeholders and leaves unknown ones as they are', () => {
    const strings = new Strings('en');
    expect(strings.t('unread', { count: 3 })).toBe('3 unread');
    strings.add({ en: { greeting: 'Hi {name}, {missing}' } });
    expect(strings.t('greeting', { name: '<b>Ann</b>' })).toBe('Hi <b>Ann</b>, {missing}');
  });

  it('lets the host’s texts win over built-in ones, and keeps them under texts added beneath', () => {
    const strings = new Strings('en');
    strings.add({ EN: { open: 'Talk to us', title: 'Help' } });
    expect(strings.t('open')).toBe('Talk to us');
    strings.add({ en: { title: 'Chat', send: 'Send' } }, true);
    expect(strings.t('title')).toBe('Help');
    expect(strings.t('send')).toBe('Send');
  });

  it('ignores values that are not strings', () => {
    const strings = new Strings('en');
    strings.add({ en: { open: 42 as unknown as string } });
    expect(strings.t('open')).toBe('Open chat');
  });

  it('treats "__proto__" and "constructor" as ordinary keys, never Object.prototype’s', () => {
    const strings = new Strings('en');
    strings.add(JSON.parse('{"__proto__": {"open": "polluted"}, "en": {"constructor": "x"}}'));
    expect(({} as Record<string, unknown>).open).toBeUndefined();
    expect(new Strings('zz').t('open')).toBe('Open chat');
    expect(new Strings('constructor').t('open')).toBe('Open chat');
  });
});
