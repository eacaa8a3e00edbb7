/**
 * support/document.ts: `document[name]` as the browser defines it, past the page's named
 * elements (DOM clobbering, issue 16).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fromDocument } from '../../../src/client/support/document.js';

const clobbered: string[] = [];

afterEach(() => {
  for (const name of clobbered.splice(0)) delete (document as unknown as Record<string, unknown>)[name];
  document.body.innerHTML = '';
});

/**
 * Markup a review or a profile field could carry: in a browser `<img name="…">` becomes a
 * property of `document` that wins over its own members. happy-dom does not do that, so the
 * image is put there as the browser would: an own property of the document.
 */
function clobber(name: string): HTMLImageElement {
  document.body.insertAdjacentHTML('beforeend', `<img name="${name}" src="https://attacker.example/loader.js">`);
  const image = document.body.lastElementChild as HTMLImageElement;
  Object.defineProperty(document, name, { value: image, configurable: true });
  clobbered.push(name);
  return image;
}

describe('reading document members past named elements', () => {
  it('gives the document element, not an <img name="documentElement"> of the page', () => {
    const image = clobber('documentElement');
    expect(document.documentElement).toBe(image);
    expect(fromDocument('documentElement')).toBe(document.querySelector('html'));
  });

  it('gives a working createElement bound to the document, even when the page names one', () => {
    clobber('createElement');
    const create = fromDocument('createElement');
    const node = create('div');
    expect(node.tagName).toBe('DIV');
    expect(node.ownerDocument).toBe(document);
  });

  it('gives no script for currentScript outside a running script, not the page’s <img name="currentScript">', () => {
    const image = clobber('currentScript');
    expect(document.currentScript).toBe(image);
    expect(fromDocument('currentScript')).toBeNull();
  });
});
