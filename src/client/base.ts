/**
 * `{base}` — where the handler is mounted — from the widget's own URL
 * (SPEC §5: the host page changes nothing but the script URL).
 * `document.currentScript` is set while a classic script runs, async or not;
 * the `script[src*="/loader.js"]` scan covers the rare cases where it is not.
 */
export function scriptBase(): string | undefined {
  const current = document.currentScript as HTMLScriptElement | null;
  let src = current?.src;
  if (!src) {
    const scripts = document.querySelectorAll<HTMLScriptElement>('script[src*="/loader.js"]');
    src = scripts[scripts.length - 1]?.src;
  }
  if (!src) return undefined;
  const url = new URL(src, location.href);
  return url.origin + url.pathname.replace(/\/loader\.js$/, '');
}
