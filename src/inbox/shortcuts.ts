import { h } from '../client/ui/dom.js';

export type ShortcutAction = 'next' | 'previous' | 'search' | 'reply' | 'toggle' | 'help' | 'back';

const KEYS: readonly [key: string, action: ShortcutAction, what: string][] = [
  ['j', 'next', 'Next conversation'],
  ['k', 'previous', 'Previous conversation'],
  ['/', 'search', 'Search'],
  ['r', 'reply', 'Write a reply'],
  ['e', 'toggle', 'Close or reopen the conversation'],
  ['?', 'help', 'These shortcuts'],
  ['Escape', 'back', 'Back to the list (narrow screens)'],
];

/** The action of a key press, unless the agent is typing in a field (Escape always counts). */
export function shortcutFor(event: KeyboardEvent): ShortcutAction | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey) return undefined;
  const field = (event.composedPath()[0] as HTMLElement | undefined)?.closest?.('input,textarea,select');
  if (field && event.key !== 'Escape') return undefined;
  return KEYS.find(([key]) => key === event.key)?.[1];
}

export function shortcutsHelp(): HTMLElement {
  return h('dl', {}, ...KEYS.flatMap(([key, , what]) => [h('dt', {}, h('kbd', {}, key)), h('dd', {}, what)]));
}
