/**
 * `chatq/inbox` (src/inbox/index.ts): importing it registers `<chatq-inbox>`,
 * once. One test, since the page's registry cannot be reset between tests.
 */
import { describe, expect, it, vi } from 'vitest';

describe('chatq/inbox', () => {
  it('registers <chatq-inbox> as the element it exports, and a second copy on the page leaves it in place', async () => {
    expect(customElements.get('chatq-inbox')).toBeUndefined();
    const { ChatqInboxElement } = await import('../../src/inbox/index.js');
    expect(customElements.get('chatq-inbox')).toBe(ChatqInboxElement);
    const made = document.createElement('chatq-inbox');
    expect(made).toBeInstanceOf(ChatqInboxElement);
    expect(made.shadowRoot?.mode).toBe('open');

    vi.resetModules();
    const again = await import('../../src/inbox/index.js');
    expect(again.ChatqInboxElement).not.toBe(ChatqInboxElement);
    expect(customElements.get('chatq-inbox')).toBe(ChatqInboxElement);
  });
});
