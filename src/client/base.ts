import { fromDocument } from './support/document.js';

/**
 * `{base}` — where the handler is mounted (SPEC §5, §6 "Fitting"). Normally
 * the widget's own URL: the host page changes nothing but the script URL. A
 * copy of loader.js served by the host site is told instead, by
 * `data-chatq-server` on its script element or a `_setConfiguration({ server })`
 * queued before it loads (the last one wins).
 *
 * The widget's URL is that of the script element the browser says is running
 * (`document.currentScript`, set while a classic script runs, async or not),
 * read past the page's markup: `<img name="currentScript" src="https://attacker/…">`
 * would otherwise hand the visitor's JWT to that server (issue 16). Where the
 * browser names none (a script in a shadow root), it is the file this code
 * runs from, as a stack trace tells it: never an element that merely looks
 * like a loader.
 */
export function chatServer(queued: unknown[] | undefined): string | undefined {
  const current = fromDocument('currentScript');
  const script = current instanceof HTMLScriptElement ? current : undefined;
  let server = script?.dataset.chatqServer;
  for (const command of queued ?? []) {
    if (Array.isArray(command) && command[0] === '_setConfiguration' && typeof command[1]?.server === 'string') server = command[1].server;
  }
  // No running script named: the file in the stack trace's first frame, this one (Chromium, Firefox and Safari alike).
  const src = script ? script.src : /https?:\S+?(?=:\d+:)/.exec(new Error().stack!)?.[0];
  const url = server ? new URL(server, location.href) : src && new URL(src, location.href);
  return url ? url.origin + url.pathname.replace(server ? /\/+$/ : /\/loader\.js$/, '') : undefined;
}
