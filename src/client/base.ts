/**
 * `{base}` — where the handler is mounted (SPEC §5, §6 "Fitting"). Normally
 * the widget's own URL: the host page changes nothing but the script URL. A
 * copy of loader.js served by the host site is told instead, by
 * `data-chatq-server` on its script element or a `_setConfiguration({ server })`
 * queued before it loads (the last one wins).
 * `document.currentScript` is set while a classic script runs, async or not;
 * the `script[src*="/loader.js"]` scan covers the rare cases where it is not.
 */
export function chatServer(queued: unknown): string | undefined {
  let script = document.currentScript as HTMLScriptElement | null | undefined;
  if (!script?.src) {
    const scripts = document.querySelectorAll<HTMLScriptElement>('script[src*="/loader.js"]');
    script = scripts[scripts.length - 1];
  }
  let server = script?.dataset.chatqServer;
  if (Array.isArray(queued)) {
    for (const command of queued) {
      if (Array.isArray(command) && command[0] === '_setConfiguration' && typeof command[1]?.server === 'string') server = command[1].server;
    }
  }
  const url = server ? new URL(server, location.href) : script?.src && new URL(script.src, location.href);
  return url ? url.origin + url.pathname.replace(server ? /\/+$/ : /\/loader\.js$/, '') : undefined;
}
