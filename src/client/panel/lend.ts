import type { PanelHost, PanelView } from '../ui/panel-contract.js';

type Signal = Parameters<NonNullable<PanelView['signal']>>[0];

/**
 * Lends the element the panel's view model (SPEC §10 "Two scripts"): `renderEntry`, the
 * notices, the send blocks, `signal`, and `busy`, `greeting`, `heading`, `draft` as
 * properties. loader.js carries none of it: the element is a launcher until the panel is made,
 * and the conversation's feed waits for the panel's half (conversation/chat.ts) until then. A
 * property set on the element before (the messenger's `heading`, from `_setConfiguration`) is
 * carried over.
 */
export function lendView(host: PanelHost, view: PanelView): void {
  const { renderEntry, removeEntry, showNotice, hideNotice, blockSending } = view;
  Object.assign(host, { renderEntry, removeEntry, showNotice, hideNotice, blockSending, signal: (event: Signal) => view.signal?.(event) });
  const properties: Record<'busy' | 'greeting' | 'heading' | 'draft', (value: never) => void> = {
    busy: view.setBusy,
    greeting: view.setGreeting,
    heading: view.setTitle,
    draft: (text: string) => (view.draft = text),
  };
  for (const [name, set] of Object.entries(properties)) {
    const early = Object.hasOwn(host, name) ? (host as unknown as Record<string, never>)[name] : undefined;
    Object.defineProperty(host, name, { set, configurable: true, ...(name === 'draft' && { get: () => view.draft }) });
    if (early !== undefined) (host as unknown as Record<string, unknown>)[name] = early;
  }
}
