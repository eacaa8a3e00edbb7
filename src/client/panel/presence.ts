import type { Presence } from '../../identity/index.js';
import { VISITOR_PATHS } from '../../identity/wire.js';
import { h } from '../ui/dom.js';
import type { PanelHost } from '../ui/panel-contract.js';
import type { Translate } from './strings.js';

/** Only the fields the panel shows, of the types it shows: the server's answer is data, not trusted shape. */
const known = (presence: Presence | undefined): Presence | undefined =>
  presence && { available: presence.available === true, ...(typeof presence.replyTime === 'string' && { replyTime: presence.replyTime }) };

/**
 * Who is there (SPEC §10 "Who is answering", "Nobody online"; §11 presence): a line under the
 * header's title, and while nobody is available a note that offers an optional e-mail field
 * (part `email`), so the reply can reach the visitor later. A signed identity's e-mail is
 * sent without asking. Never who is online: the server only tells whether anyone is. Known from
 * the policy answer (`PanelHost.policy.presence`) until the stream's `presence` events take over.
 */
export function presenceView(host: PanelHost, t: Translate) {
  /** What the last `presence` stream event said. */
  let heard: Presence | undefined;
  /** The e-mail the conversation has: the one the visitor saved, or the signed identity's once sent. */
  let kept = '';
  let signedSent = false;
  const line = h('p', { part: 'presence', hidden: '' });
  const text = h('p', {});
  const field = h('input', { type: 'email', name: 'email', autocomplete: 'email', dir: 'auto', required: '', 'aria-describedby': 'chatq-email-error' }) as HTMLInputElement;
  const label = h('span', {});
  const save = h('button', { type: 'submit' });
  // Empty until something went wrong: then read out at once (an alert region that exists first).
  const error = h('p', { id: 'chatq-email-error', class: 'error', role: 'alert' });
  const form = h('form', { part: 'email', novalidate: '' }, h('label', {}, label, field), save, error);
  const away = h('div', { class: 'away', hidden: '' }, text, form);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const email = field.value.trim();
    if (!email || !field.checkValidity()) return fail('emailInvalid');
    send(email).then(render, () => fail('emailFailed'));
  });

  function fail(key: 'emailInvalid' | 'emailFailed'): void {
    field.setAttribute('aria-invalid', 'true');
    error.textContent = t(key);
    field.focus();
  }

  function send(email: string): Promise<void> {
    return (host.post ? host.post(VISITOR_PATHS.email, { email }) : Promise.reject()).then(() => {
      kept = email;
    });
  }

  function render(): void {
    // What the stream said last, else what `GET v1/policy` answered: known at once, not only from the first event.
    const presence = heard ?? known(host.policy?.presence);
    line.hidden = !presence;
    if (presence) line.textContent = [t(presence.available ? 'online' : 'away'), presence.replyTime].filter(Boolean).join(' · ');
    line.toggleAttribute('data-available', !!presence?.available);
    away.hidden = !presence || presence.available;
    if (away.hidden) return;
    // A signed identity's e-mail: the conversation gets it without a question, once (presence comes again on every change).
    if (!kept && !signedSent && host.email) {
      signedSent = true;
      void send(host.email).then(render, () => (signedSent = false));
    }
    const email = kept || host.email;
    form.hidden = !!email;
    text.textContent = email ? t('emailKept', { email }) : t('awayAsk');
    label.textContent = t('emailLabel');
    save.textContent = t('emailSave');
    if (error.textContent) error.textContent = t(field.getAttribute('aria-invalid') && !field.checkValidity() ? 'emailInvalid' : 'emailFailed');
  }

  field.addEventListener('input', () => {
    field.removeAttribute('aria-invalid');
    error.textContent = '';
  });

  return {
    /** Under the title. */
    line,
    /** Above the composer. */
    away,
    set(next: Presence): void {
      heard = known(next);
      render();
    },
    render,
  };
}
