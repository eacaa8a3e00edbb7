import { MESSAGE_MAX_LENGTH } from '../../identity/protocol.js';
import type { Strings } from '../support/i18n.js';
import { h } from '../ui/dom.js';
import type { PanelHost } from '../ui/panel-contract.js';

/** From this share of the limit on, the counter shows (SPEC §10 "Nothing typed is lost"). */
const SHOW_FROM = 0.9;

/** The counter's texts, added beneath the host's translations (`_addTranslations` may override each). */
const TEXTS = {
  en: {
    counter: '{count} / {max}',
    counterNear: '{count} of {max} characters used.',
    counterAt: 'Limit reached: {max} characters.',
    counterOver: 'Too long to send: {count} of {max} characters. Shorten it to send.',
  },
  fr: {
    counter: '{count} / {max}',
    counterNear: '{count} caractères utilisés sur {max}.',
    counterAt: 'Limite atteinte : {max} caractères.',
    counterOver: 'Trop long pour être envoyé : {count} caractères sur {max}. Raccourcissez-le pour l’envoyer.',
  },
  ar: {
    counter: '{count} / {max}',
    counterNear: 'استُخدم {count} من {max} حرفًا.',
    counterAt: 'بلغت الحد الأقصى: {max} حرفًا.',
    counterOver: 'الرسالة أطول من المسموح: {count} من {max} حرفًا. اختصرها لإرسالها.',
  },
  he: {
    counter: '{count} / {max}',
    counterNear: 'נוצלו {count} מתוך {max} תווים.',
    counterAt: 'הגעת למגבלה: {max} תווים.',
    counterOver: 'ארוכה מדי לשליחה: {count} מתוך {max} תווים. יש לקצר כדי לשלוח.',
  },
};

const withTexts = new WeakSet<Strings>();

type Level = '' | 'near' | 'at' | 'over';
const WORDS = { near: 'counterNear', at: 'counterAt', over: 'counterOver' } as const;

/**
 * The composer's counter (SPEC §10): from 90 % of the server's message limit (`host.policy.messageMaxLength`,
 * from the policy; the protocol's bound before it is known) it shows "3,950 / 4,000", and at or over
 * the limit it says so. It counts as the server does: the trimmed text's UTF-16 length.
 *
 * Screen readers hear it politely, and only when it changes level (near, at, over, back under),
 * never on every keystroke; the input is described by the visible line, so its focus reads it too.
 * A refused send says the reason again. The textarea gets no `maxlength`: a pasted text is never cut.
 */
export function composerCounter(host: PanelHost, input: HTMLTextAreaElement) {
  /** The host's strings with the counter's texts beneath (the messenger may hand the element others later). */
  const strings = (): Strings => {
    const s = host.strings;
    if (!withTexts.has(s)) {
      s.add(TEXTS, true);
      withTexts.add(s);
    }
    return s;
  };
  const line = h('p', { part: 'counter', id: 'chatq-counter', hidden: '' });
  const said = h('p', { class: 'sr', role: 'status' });
  let level: Level = '';
  let count = 0;

  const max = (): number => host.policy?.messageMaxLength || MESSAGE_MAX_LENGTH;
  const levelOf = (length: number, limit: number): Level => (length > limit ? 'over' : length === limit ? 'at' : length >= limit * SHOW_FROM ? 'near' : '');

  /** The numbers in the widget's locale ("3,950"), its words where the level has some. */
  function words(of: Level): string {
    const s = strings();
    let format: Intl.NumberFormat;
    try {
      format = new Intl.NumberFormat(s.locale);
    } catch {
      format = new Intl.NumberFormat();
    }
    const params = { count: format.format(count), max: format.format(max()) };
    return of ? s.t(WORDS[of], params) : s.t('counter', params);
  }

  function render(): void {
    line.hidden = !level;
    line.toggleAttribute('data-over', level === 'over');
    line.textContent = level === 'near' ? words('') : level ? `${words('')} · ${words(level)}` : '';
    if (level) input.setAttribute('aria-describedby', 'chatq-counter');
    else input.removeAttribute('aria-describedby');
    // "true", not "": an empty aria-invalid counts as false.
    if (level === 'over') input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  /** Says `text` politely; emptied first, so the same reason said twice is announced twice. */
  function say(text: string): void {
    said.textContent = '';
    setTimeout(() => (said.textContent = text), 50);
  }

  const counter = {
    line,
    said,
    /** Counts the composer's text again: on input, and when the draft is set (a refused message comes back). */
    update(): void {
      count = input.value.trim().length;
      const next = levelOf(count, max());
      if (next === level) return render();
      level = next;
      render();
      say(level ? words(level) : '');
    },
    /** Whether the text may be sent; when it may not, the reason is said again. */
    allows(): boolean {
      counter.update();
      if (level !== 'over') return true;
      say(words('over'));
      return false;
    },
    /** The texts in the current locale (the panel's `refreshText`). */
    render,
  };
  input.addEventListener('input', counter.update);
  return counter;
}
