/**
 * ui/styles.ts: the shell's CSS, adopted as one constructable sheet (strict CSP, SPEC §5),
 * whatever the host page's own rules.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adoptStyles, CSS } from '../../../src/client/ui/styles.js';
import { contrast, declarations } from './contrast.js';

afterEach(() => vi.unstubAllGlobals());

const shadow = (): ShadowRoot => document.createElement('div').attachShadow({ mode: 'open' });

describe('adopting the styles', () => {
  it('adds one sheet with the shell’s rules to the root', () => {
    const root = shadow();
    adoptStyles(root);
    expect(root.adoptedStyleSheets).toHaveLength(1);
    expect([...root.adoptedStyleSheets[0]!.cssRules].map((r) => (r as CSSStyleRule).selectorText)).toContain('[part=launcher]');
    expect(root.querySelector('style')).toBeNull();
  });

  it('shares one sheet per text between roots, and adds a second text after the first', () => {
    const first = shadow();
    const second = shadow();
    adoptStyles(first);
    adoptStyles(second);
    adoptStyles(second, 'p{color:red}');
    expect(second.adoptedStyleSheets[0]).toBe(first.adoptedStyleSheets[0]);
    expect(second.adoptedStyleSheets).toHaveLength(2);
    expect(second.adoptedStyleSheets[1]!.cssRules[0]!.cssText).toContain('color: red');
  });

  it('falls back to a <style> element where the browser has no constructable sheets', () => {
    vi.stubGlobal('CSSStyleSheet', undefined);
    const root = shadow();
    adoptStyles(root, 'p{color:blue}');
    expect(root.querySelector('style')!.textContent).toBe('p{color:blue}');
  });
});

describe('the rules a host page cannot beat (SPEC §5)', () => {
  it('keeps the element shown and its text settings with !important on :host', () => {
    const host = declarations(CSS, ':host');
    expect(host.display).toBe('block');
    expect(host.visibility).toBe('visible');
    for (const rule of CSS.split('}').filter((r) => r.startsWith(':host{'))) {
      for (const property of ['display:block', 'visibility:visible', 'letter-spacing:normal', 'text-transform:none']) expect(rule).toContain(`${property}!important`);
    }
  });

  it('keeps the floating element fixed in its corner, placed by the host’s custom properties', () => {
    const floating = CSS.split('}').find((r) => r.startsWith(':host(:not([embedded])){'))!;
    expect(floating).toContain('position:fixed!important');
    expect(floating).toContain('right:var(--chatq-offset-x,20px)!important');
    expect(floating).toContain('bottom:var(--chatq-offset-y,20px)!important');
  });

  it('has a focus ring of 3:1 or more against both a white and a black page', () => {
    const ring = declarations(CSS, ':focus-visible')['outline-color']!;
    expect(contrast(ring, '#fff')).toBeGreaterThanOrEqual(3);
    expect(contrast(ring, '#000')).toBeGreaterThanOrEqual(3);
  });

  it('writes the load-failure status in colours of 4.5:1 or more', () => {
    const status = declarations(CSS, '.status');
    expect(contrast(status.color!, status['background-color']!)).toBeGreaterThanOrEqual(4.5);
  });
});
