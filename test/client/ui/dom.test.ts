/** ui/dom.ts: elements built with attributes and text, never HTML (SPEC §5: the widget never renders markup it is given). */
import { afterEach, describe, expect, it } from 'vitest';
import { bubbleIcon, h } from '../../../src/client/ui/dom.js';

const SVG = 'http://www.w3.org/2000/svg';

afterEach(() => {
  delete (document as unknown as Record<string, unknown>).createElement;
});

describe('building elements', () => {
  it('sets attributes and appends children in order', () => {
    const inner = h('span', {}, 'b');
    const node = h('p', { part: 'message', 'data-key': 'c1' }, 'a', inner, 'c');
    expect(node.tagName).toBe('P');
    expect(node.getAttribute('part')).toBe('message');
    expect(node.dataset.key).toBe('c1');
    expect(node.textContent).toBe('abc');
    expect(node.children[0]).toBe(inner);
  });

  it('sets strings as text: markup in them stays text', () => {
    const node = h('p', { title: '"><img src=x onerror=alert(1)>' }, '<img src=x onerror=alert(1)>');
    expect(node.querySelector('img')).toBeNull();
    expect(node.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(node.attributes).toHaveLength(1);
  });

  it('makes an svg: name in the SVG namespace', () => {
    const node = h('svg:path', { d: 'M0 0' });
    expect(node.namespaceURI).toBe(SVG);
    expect(node.localName).toBe('path');
    expect(h('div').namespaceURI).toBe('http://www.w3.org/1999/xhtml');
  });

  it('still works when the page has shadowed document.createElement (DOM clobbering)', () => {
    Object.defineProperty(document, 'createElement', { value: () => null, configurable: true });
    expect(h('div').tagName).toBe('DIV');
  });
});

describe('the launcher icon', () => {
  it('is a drawn SVG bubble hidden from screen readers', () => {
    const icon = bubbleIcon();
    expect(icon.namespaceURI).toBe(SVG);
    expect(icon.getAttribute('aria-hidden')).toBe('true');
    expect(icon.getAttribute('viewBox')).toBe('0 0 24 24');
    expect(icon.firstElementChild!.namespaceURI).toBe(SVG);
    expect(icon.firstElementChild!.getAttribute('d')).toMatch(/^M/);
  });
});
