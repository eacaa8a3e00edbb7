/**
 * The inbox's stylesheet (src/inbox/styles.ts), parsed as the element adopts
 * it: what SPEC §11 asks of it (panes per width, text contrast ≥ 4.5:1, a
 * focus ring ≥ 3:1, outlines in forced colours) and what a strict CSP allows.
 */
import { describe, expect, it } from 'vitest';
import { INBOX_CSS } from '../../src/inbox/styles.js';

const sheet = new CSSStyleSheet();
sheet.replaceSync(INBOX_CSS);
const topLevel = [...sheet.cssRules];
const styleRules = (rules: CSSRule[]): CSSStyleRule[] => rules.filter((rule): rule is CSSStyleRule => rule instanceof CSSStyleRule);
const media = (condition: string): CSSRule[] => [...topLevel.filter((rule): rule is CSSMediaRule => rule instanceof CSSMediaRule).find((rule) => rule.media.mediaText === condition)!.cssRules];
/** The value of `property` in the rule for exactly `selector` (top level unless `rules` is given). */
function value(selector: string, property: string, rules: CSSRule[] = topLevel): string {
  const rule = styleRules(rules).find((candidate) => candidate.selectorText === selector);
  if (!rule) throw new Error(`no rule for ${selector}`);
  return rule.style.getPropertyValue(property).trim();
}
const variable = (name: string): string => value(':host', name);

/** WCAG 2 contrast ratio of two #rrggbb or #rgb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string): number => {
    const digits = hex.length === 4 ? [...hex.slice(1)].map((digit) => digit + digit).join('') : hex.slice(1);
    const [r, g, b] = [0, 2, 4].map((at) => {
      const channel = parseInt(digits.slice(at, at + 2), 16) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('INBOX_CSS', () => {
  it('is one sheet a strict CSP accepts: every rule parsed, nothing fetched or imported', () => {
    let depth = 0;
    let closedAtTop = 0;
    for (const char of INBOX_CSS) {
      if (char === '{') depth++;
      if (char === '}' && --depth === 0) closedAtTop++;
    }
    expect(depth).toBe(0);
    expect(topLevel).toHaveLength(closedAtTop);
    expect(INBOX_CSS).not.toMatch(/@import|url\(|expression\(/i);
  });

  it('shows three panes from 1100 px, two from 700 px with the identity behind a button, one below', () => {
    expect(value('.panes', 'grid-template-columns')).toBe('320px 1fr 300px');
    const medium = media('(max-width:1099px)');
    expect(value('.panes', 'grid-template-columns', medium)).toBe('300px 1fr');
    expect(value('.pane.identity-pane', 'display', medium)).toBe('none');
    expect(value('.show-identity', 'display', medium)).toBe('inline-block');
    const narrow = media('(max-width:699px)');
    expect(value('.panes', 'grid-template-columns', narrow)).toBe('1fr');
    expect(value('.back', 'display', narrow)).toBe('inline-block');
    expect(value('.back,.show-identity', 'display')).toBe('none');
  });

  it('keeps text at 4.5:1 or more against its background', () => {
    const page = value(':host', 'background');
    const pairs: [string, string, string][] = [
      ['text', value(':host', 'color'), page],
      ['muted on white', variable('--muted'), '#fff'],
      ['muted on the page', variable('--muted'), page],
      ['muted on a selected row', variable('--muted'), value('.item[aria-current=true]', 'background')],
      ['primary button', value('button.primary', 'color'), variable('--accent')],
      ['badge', value('.badge', 'color'), value('.badge', 'background')],
      ['signed tag', value('.tag', 'color'), value('.tag', 'background')],
      ['unsigned tag', value('.tag.unsigned', 'color'), value('.tag.unsigned', 'background')],
      ['warning', value('.warning', 'color'), '#fff'],
      ['connection notice', value('.conn', 'color'), '#fff'],
    ];
    for (const [what, color, background] of pairs) expect({ what, ratio: contrast(color, background) >= 4.5 }).toEqual({ what, ratio: true });
  });

  it('draws a focus ring of 3:1 or more against white and the page', () => {
    const outline = value(':focus-visible', 'outline').split(' ');
    expect(outline).toEqual(expect.arrayContaining(['3px', 'solid']));
    const ring = outline.find((part) => part.startsWith('#'))!;
    expect(contrast(ring, '#fff')).toBeGreaterThanOrEqual(3);
    expect(contrast(ring, value(':host', 'background'))).toBeGreaterThanOrEqual(3);
  });

  it('outlines the selected row, badges and tags in forced colours, and keeps [hidden] hidden', () => {
    // happy-dom drops the system colour CanvasText from a parsed value: read the source of those rules.
    expect(styleRules(media('(forced-colors:active)')).map((rule) => rule.selectorText)).toEqual(['.item[aria-current=true]', '.badge,.tag']);
    expect(INBOX_CSS).toContain('@media (forced-colors:active){.item[aria-current=true]{outline:2px solid CanvasText}.badge,.tag{border:1px solid CanvasText}}');
    expect(value('[hidden]', 'display')).toBe('none');
    expect(INBOX_CSS).toContain('[hidden]{display:none!important}');
  });

  it('fills the viewport on the served page and keeps 16 px text in the reply box (no zoom on phones)', () => {
    // happy-dom does not know the dvh unit: the source says it.
    expect(INBOX_CSS.startsWith(':host([page]){height:100dvh}')).toBe(true);
    expect(value('form.composer textarea', 'font-size')).toBe('16px');
  });
});
