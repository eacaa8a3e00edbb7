/** SPEC §10 "Right-to-left" and §5 (every visible text from a key): the panel's built-in texts (panel/strings.ts). */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defineMessengerElement } from '../../../src/client/index.js';
import { PANEL_STRINGS } from '../../../src/client/panel/strings.js';
import type { ChatqMessengerElement } from '../../../src/client/ui/element.js';

beforeAll(() => defineMessengerElement());
afterEach(() => {
  document.body.replaceChildren();
});

const part = (el: ChatqMessengerElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;

function panelIn(lang: string): ChatqMessengerElement {
  document.body.innerHTML = `<chatq-messenger embedded open lang="${lang}"></chatq-messenger>`;
  return document.querySelector('chatq-messenger')!;
}

describe('right-to-left locales mirror the panel', () => {
  it.each(['ar', 'he', 'fa', 'ur', 'ar-EG', 'he-IL'])('%s: the panel and the preview card are dir=rtl', (lang) => {
    const el = panelIn(lang);
    expect(part(el, 'panel').dir).toBe('rtl');
    expect(part(el, 'preview').dir).toBe('rtl');
    expect(part(el, 'input').dir).toBe('auto');
  });

  it('left-to-right locales are not mirrored, and a change of lang mirrors back', () => {
    const el = panelIn('en');
    expect(part(el, 'panel').dir).toBe('ltr');
    el.lang = 'he';
    expect(part(el, 'panel').dir).toBe('rtl');
    el.lang = 'fr';
    expect(part(el, 'panel').dir).toBe('ltr');
  });
});

describe('built-in Arabic and Hebrew', () => {
  it('Arabic: the panel speaks it', () => {
    const el = panelIn('ar');
    expect(part(el, 'send').textContent).toBe('إرسال');
    expect(part(el, 'input').getAttribute('placeholder')).toBe('اكتب رسالة…');
    expect(part(el, 'title').textContent).toBe('الدردشة');
  });

  it('Hebrew (and a regional tag of it): the panel speaks it', () => {
    const el = panelIn('he-IL');
    expect(part(el, 'send').textContent).toBe('שליחה');
    expect(part(el, 'messages').getAttribute('aria-label')).toBe('שיחה');
  });

  it('the notices come in the panel language too', () => {
    const el = panelIn('ar');
    el.showNotice('offline', () => el.strings.t('offline'));
    expect(el.shadowRoot!.querySelector('[data-kind="offline"] p')!.textContent).toBe('انقطع الاتصال. جارٍ إعادة الاتصال…');
  });

  it('every language has every key, each a non-empty text, with the same {placeholders} as English', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{\w+\}/g)].map((m) => m[0]).sort();
    for (const [lang, texts] of Object.entries(PANEL_STRINGS)) {
      expect(Object.keys(texts).sort(), lang).toEqual(Object.keys(PANEL_STRINGS.en).sort());
      for (const [key, text] of Object.entries(texts)) {
        expect(text.trim(), `${lang}.${key}`).not.toBe('');
        expect(placeholders(text), `${lang}.${key}`).toEqual(placeholders(PANEL_STRINGS.en[key as keyof typeof PANEL_STRINGS.en]));
      }
    }
  });
});
