import { ChatqMessengerElement } from './element.js';

/** The tag name of the widget (SPEC §5). */
export const TAG_NAME = 'chatq-messenger';

/**
 * Registers `<chatq-messenger>` once. A function rather than a side-effect
 * import, so bundlers honouring `"sideEffects": false` keep it.
 */
export function defineMessengerElement(): void {
  if (!customElements.get(TAG_NAME)) customElements.define(TAG_NAME, ChatqMessengerElement);
}
