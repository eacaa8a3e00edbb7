import { vi } from 'vitest';
import { Strings, type TranslationKey } from '../../../src/client/support/i18n.js';
import { PANEL_STRINGS } from '../../../src/client/panel/strings.js';
import type { PanelHost } from '../../../src/client/ui/panel-contract.js';

/** A panel host as the element is one, with its calls recorded (`calls`) and attributes to set. */
export function fakeHost(options: { email?: string; attributes?: Record<string, string>; fail?: boolean } = {}) {
  const strings = new Strings('en');
  strings.add(PANEL_STRINGS, true);
  const calls: [string, object | undefined][] = [];
  const host: PanelHost = {
    strings,
    embedded: false,
    open: false,
    ...(options.email && { email: options.email }),
    post: vi.fn(async (path: string, body?: object) => {
      calls.push([path, body]);
      if (options.fail) throw new Error('refused');
    }),
    getAttribute: (name) => options.attributes?.[name] ?? null,
  };
  const t = (key: TranslationKey, params?: Record<string, string | number>) => strings.t(key, params);
  return { host, calls, t };
}

/** Lets promise callbacks run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
