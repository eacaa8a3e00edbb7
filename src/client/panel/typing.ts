import { VISITOR_PATHS } from '../../identity/wire.js';
import { h } from '../ui/dom.js';
import type { PanelHost } from '../ui/panel-contract.js';
import { capName, type Translate } from './strings.js';

/** At most one visitor typing notice per this long (ms): the server rate-limits them too (SPEC §11). */
const THROTTLE = 3_000;
/** An agent's "typing" fades when no new notice came for this long (ms): notices are never stored, a stop is never sent. */
const FADE = 6_000;

/**
 * Typing both ways (SPEC §10 "Typing and read"): the visitor's keystrokes become at most one
 * `POST v1/typing` per 3 s, without the text; an agent's `typing` event shows "Alice is
 * typing…" (part `typing`) until their message comes or it fades.
 */
export function typingView(host: PanelHost, t: Translate, input: HTMLTextAreaElement) {
  let last = -THROTTLE;
  let fade: ReturnType<typeof setTimeout> | undefined;
  let name = '';
  const row = h('p', { part: 'typing', hidden: '' }, h('span', {}), h('span', { class: 'dots', 'aria-hidden': 'true' }, h('span'), h('span'), h('span')));

  input.addEventListener('input', () => {
    const now = Date.now();
    if (!input.value.trim() || now - last < THROTTLE || !host.post) return;
    last = now;
    host.post(VISITOR_PATHS.typing).catch(() => {});
  });

  const view = {
    row,
    /** An agent is typing (`name` as text, capped). */
    agent(agentName: string): void {
      name = capName(agentName);
      view.render();
      row.hidden = false;
      clearTimeout(fade);
      fade = setTimeout(view.stop, FADE);
    },
    /** Their message came (or the conversation went): no longer typing. */
    stop(): void {
      clearTimeout(fade);
      row.hidden = true;
    },
    render(): void {
      row.firstChild!.textContent = name ? t('typing', { name }) : t('typingSomeone');
    },
    /** The visitor sent: the next keystroke may tell again. */
    sent(): void {
      last = -THROTTLE;
    },
  };
  return view;
}
