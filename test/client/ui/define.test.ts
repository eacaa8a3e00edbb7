/** ui/define.ts: `<chatq-messenger>` registered on request, once (SPEC §5). */
import { describe, expect, it } from 'vitest';
import { defineMessengerElement, TAG_NAME } from '../../../src/client/ui/define.js';
import { ChatqMessengerElement } from '../../../src/client/ui/element.js';

describe('registering the element', () => {
  it('registers chatq-messenger as the messenger element, and only when asked', () => {
    expect(TAG_NAME).toBe('chatq-messenger');
    expect(customElements.get(TAG_NAME)).toBeUndefined();
    defineMessengerElement();
    expect(customElements.get(TAG_NAME)).toBe(ChatqMessengerElement);
    expect(document.createElement(TAG_NAME)).toBeInstanceOf(ChatqMessengerElement);
  });

  it('can be called again without throwing (two entries of one page both ask)', () => {
    defineMessengerElement();
    expect(() => defineMessengerElement()).not.toThrow();
    expect(customElements.get(TAG_NAME)).toBe(ChatqMessengerElement);
  });
});
