/**
 * WCAG 2.2 contrast ratios of `#rgb`/`#rrggbb` colours, and the declarations of a parsed
 * stylesheet: what the style tests (ui/styles, panel/styles) check the palettes with.
 */

/** Relative luminance (WCAG 2.2, "relative luminance"). */
function luminance(hex: string): number {
  const digits = hex.slice(1);
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
  const [r, g, b] = [0, 2, 4].map((at) => {
    const c = parseInt(full.slice(at, at + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** Every style rule of `css` (inside @media too), parsed by the DOM's CSSOM. */
export function styleRules(css: string): CSSStyleRule[] {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  // Keyframes and the like hold no style rule: nothing to check there.
  const flat = (rules: CSSRuleList | undefined): CSSStyleRule[] =>
    [...(rules ?? [])].flatMap((rule) => ('selectorText' in rule ? [rule as CSSStyleRule] : flat((rule as Partial<CSSGroupingRule>).cssRules)));
  return flat(sheet.cssRules);
}

/** The declarations of the rule whose selector is exactly `selector`, as name → value. */
export function declarations(css: string, selector: string): Record<string, string> {
  const rule = styleRules(css).find((r) => r.selectorText === selector);
  if (!rule) throw new Error(`no rule for ${selector}`);
  const style = rule.style;
  return Object.fromEntries(Array.from({ length: style.length }, (_, i) => [style[i]!, style.getPropertyValue(style[i]!).trim()]));
}
