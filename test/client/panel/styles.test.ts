/**
 * panel/styles.ts: the panel's CSS (SPEC §10 "Looks and placement", "Phones", `theme`),
 * checked as the CSSOM parses it: both themes readable, the dark one the same wherever it
 * applies, the phone layout at the breakpoint panel/phone.ts uses.
 */
import { describe, expect, it } from 'vitest';
import { adoptPanelStyles, PANEL_CSS } from '../../../src/client/panel/styles.js';
import { adoptStyles } from '../../../src/client/ui/styles.js';
import { contrast, declarations, styleRules } from '../ui/contrast.js';

const LIGHT = declarations(PANEL_CSS, ':host');
const DARK = declarations(PANEL_CSS, ':host([theme=dark])');
/** `auto` on a dark system: the panel has no `theme` attribute of its own choosing. */
const AUTO_DARK = declarations(PANEL_CSS, ':host(:not([theme=light]):not([theme=dark]))');

describe('the themes', () => {
  it('gives `auto` on a dark system exactly the dark theme', () => {
    expect(AUTO_DARK).toEqual(DARK);
    expect(DARK['color-scheme']).toBe('dark');
    expect(LIGHT['color-scheme']).toBe('light');
  });

  it.each([['light', LIGHT], ['dark', { ...LIGHT, ...DARK }]])('keeps every text of the %s theme at 4.5:1 or more on what it sits on', (_, theme) => {
    const pairs = [['--fg', '--bg'], ['--fg', '--soft'], ['--muted', '--bg'], ['--muted', '--soft'], ['--note-fg', '--note'], ['--bad-fg', '--bad'], ['--bad-fg', '--bg']];
    for (const [text, background] of pairs) expect(contrast(theme[text!]!, theme[background!]!), `${text} on ${background}`).toBeGreaterThanOrEqual(4.5);
  });

  it.each([['light', LIGHT], ['dark', { ...LIGHT, ...DARK }]])('has a focus ring of 3:1 or more on the %s panel', (_, theme) => {
    expect(contrast(theme['--pring']!, theme['--bg']!)).toBeGreaterThanOrEqual(3);
    expect(contrast(theme['--pring']!, theme['--soft']!)).toBeGreaterThanOrEqual(3);
  });

  it('takes the accent, its text and the radius from the host’s --chatq-* properties', () => {
    expect(LIGHT['--accent']).toMatch(/^var\(--chatq-accent,/);
    expect(LIGHT['--on-accent']).toMatch(/^var\(--chatq-accent-text,/);
    expect(LIGHT['--r']).toMatch(/^var\(--chatq-radius,/);
  });
});

describe('phones (SPEC §10)', () => {
  it('covers the viewport with the open floating panel, as tall as the visual viewport, below 640 px', () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(PANEL_CSS);
    const media = [...sheet.cssRules].find((rule) => rule instanceof CSSMediaRule && rule.conditionText.includes('max-width')) as CSSMediaRule;
    expect(media.conditionText.replace(/\s/g, '')).toBe('(max-width:639.98px)');
    const panel = [...media.cssRules].find((rule) => (rule as CSSStyleRule).selectorText === ':host(:not([embedded])[open]) [part=panel]') as CSSStyleRule;
    expect(panel.style.getPropertyValue('position')).toBe('fixed');
    expect(panel.style.getPropertyValue('height')).toBe('var(--chatq-vh, 100dvh)');
  });

  it('never covers the page with an embedded panel', () => {
    const phoneSelectors = styleRules(PANEL_CSS).map((rule) => rule.selectorText).filter((selector) => selector.includes('[open]'));
    expect(phoneSelectors.length).toBeGreaterThan(0);
    for (const selector of phoneSelectors) expect(selector).toContain(':not([embedded])');
  });
});

describe('adopting the panel’s styles', () => {
  it('adds its sheet after the shell’s, in the same root', () => {
    const root = document.createElement('div').attachShadow({ mode: 'open' });
    adoptStyles(root);
    adoptPanelStyles(root);
    expect(root.adoptedStyleSheets).toHaveLength(2);
    expect((root.adoptedStyleSheets[1]!.cssRules[0] as CSSStyleRule).style.getPropertyValue('--bg')).toBe('#fff');
  });
});
