/** The inbox's keyboard shortcuts (src/inbox/shortcuts.ts), from real key events on real targets. */
import { describe, expect, it } from 'vitest';
import { shortcutFor, shortcutsHelp, type ShortcutAction } from '../../src/inbox/shortcuts.js';

/** Puts `node` on the page and returns it. */
function mount<T extends Node>(node: T): T {
  document.body.replaceChildren(node);
  return node;
}

/** The action of `key` pressed on `target` (on the page), read from the page as the element reads it. */
function press(key: string, target: Element = mount(document.createElement('div')), modifiers: KeyboardEventInit = {}): ShortcutAction | undefined {
  let action: ShortcutAction | undefined | 'unseen' = 'unseen';
  document.body.addEventListener('keydown', (event) => (action = shortcutFor(event)), { once: true });
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, ...modifiers }));
  if (action === 'unseen') throw new Error('the key event did not reach the listener');
  return action;
}

describe('shortcutFor', () => {
  it('maps each documented key to its action', () => {
    const keys = { j: 'next', k: 'previous', '/': 'search', r: 'reply', e: 'toggle', '?': 'help', Escape: 'back' };
    for (const [key, action] of Object.entries(keys)) expect(press(key)).toBe(action);
  });

  it('ignores other keys, other cases and any key held with Ctrl, Meta or Alt', () => {
    for (const key of ['J', 'x', 'Enter', ' ']) expect(press(key)).toBeUndefined();
    expect(press('j', undefined, { ctrlKey: true })).toBeUndefined();
    expect(press('k', undefined, { metaKey: true })).toBeUndefined();
    expect(press('/', undefined, { altKey: true })).toBeUndefined();
    expect(press('Escape', undefined, { ctrlKey: true })).toBeUndefined();
  });

  it('leaves keys to a field the agent types in, except Escape', () => {
    for (const tag of ['input', 'textarea', 'select']) {
      expect(press('j', mount(document.createElement(tag)))).toBeUndefined();
      expect(press('Escape', mount(document.createElement(tag)))).toBe('back');
    }
  });

  it('knows a field from an element inside it', () => {
    const field = mount(document.createElement('select'));
    expect(press('j', field.appendChild(document.createElement('option')))).toBeUndefined();
  });

  it('sees the field inside a shadow root, where the event is retargeted to the host', () => {
    const host = mount(document.createElement('div'));
    const input = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('input'));
    expect(press('j', input)).toBeUndefined();
    expect(press('j', host)).toBe('next');
  });
});

describe('shortcutsHelp', () => {
  it('lists every key with what it does, as text', () => {
    const help = shortcutsHelp();
    expect(help.tagName).toBe('DL');
    const keys = [...help.querySelectorAll('dt kbd')].map((kbd) => kbd.textContent);
    const what = [...help.querySelectorAll('dd')].map((dd) => dd.textContent);
    expect(keys).toEqual(['j', 'k', '/', 'r', 'e', '?', 'Escape']);
    expect(what).toEqual(['Next conversation', 'Previous conversation', 'Search', 'Write a reply', 'Close or reopen the conversation', 'These shortcuts', 'Back to the list (narrow screens)']);
    expect(help.children).toHaveLength(14);
  });
});
