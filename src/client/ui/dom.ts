import { fromDocument } from '../support/document.js';

/** Builds an element; attributes are set with setAttribute and text with textContent — never HTML. */
export function h(tag: string, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  // `svg:` names an SVG element (the launcher icon), which only exists in the SVG namespace.
  const node = tag[3] === ':' ? fromDocument('createElementNS')('http://www.w3.org/2000/svg', tag.slice(4)) : fromDocument('createElement')(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node as HTMLElement;
}

/**
 * The launcher's speech-bubble icon, drawn (no emoji: a page without an emoji
 * font would show a box) and hidden from screen readers: the button's
 * translated `aria-label` names it.
 */
export const bubbleIcon = (): Element =>
  h('svg:svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' },
    h('svg:path', { d: 'M3 4h18v12H9l-5 4v-4H3z' }));
