import { ChatqMessengerElement, type MessengerElementEvents } from './element.js';

declare global {
  interface HTMLElementTagNameMap {
    'chatq-messenger': ChatqMessengerElement;
  }
  // Typed listeners: `element.addEventListener('chatq-send', (e) => e.detail.text)`.
  interface HTMLElementEventMap extends MessengerElementEvents {}
}

/** The tag name of the widget (SPEC §5). */
export const TAG_NAME = 'chatq-messenger';

/**
 * Registers `<chatq-messenger>` once. A function rather than a side-effect
 * import, so bundlers honouring `"sideEffects": false` keep it.
 */
export function defineMessengerElement(): void {
  if (!customElements.get(TAG_NAME)) customElements.define(TAG_NAME, ChatqMessengerElement);
}
