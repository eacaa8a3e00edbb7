import { describe, expect, it, vi } from 'vitest';
import type { Messenger } from '../../src/client/index.js';
import { Strings } from '../../src/client/i18n.js';
import { runCommand } from '../../src/client/queue.js';
import { runAt } from '../../src/client/timers.js';
import { CSS } from '../../src/client/ui/styles.js';
import { setup, useCleanPage } from './helpers.js';

useCleanPage();

describe('host page CSS cannot move the floating widget', () => {
  it('the floating :host rule makes position, right, bottom and z-index !important', () => {
    const floating = /:host\(:not\(\[embedded\]\)\)\{([^}]*)\}/.exec(CSS)?.[1] ?? /:host\{([^}]*)\}/.exec(CSS)![1]!;
    for (const property of ['position:fixed', 'right:20px', 'bottom:20px', 'z-index:2147483000']) {
      expect(floating).toContain(`${property}!important`);
    }
    // The embedded element is not pinned to the viewport at all.
    const embedded = /:host\(\[embedded\]\)\{([^}]*)\}/.exec(CSS)![1]!;
    expect(embedded).not.toContain('fixed');
  });
});

describe('hostile input', () => {
  it('_addTranslations with "__proto__" does not pollute Object.prototype', () => {
    const strings = new Strings('en');
    strings.add(JSON.parse('{"__proto__":{"isAdmin":"true"},"en":{"__proto__":"x","constructor":"y","send":"Go"}}'));
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('isAdmin');
    expect(strings.t('send')).toBe('Go');
  });

  it('_setConfiguration({ constructor: 1 }) says the option is unknown', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const setConfiguration = vi.fn();
    runCommand({ setConfiguration } as unknown as Messenger, ['_setConfiguration', { constructor: 1 }]);
    expect(String(error.mock.calls[0]![0])).toMatch(/does not know "constructor"/);
    expect(setConfiguration).not.toHaveBeenCalled();
  });

  it('_setConfiguration({ renewBefore: Infinity }) is refused', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const setConfiguration = vi.fn();
    runCommand({ setConfiguration } as unknown as Messenger, ['_setConfiguration', { renewBefore: Infinity }]);
    expect(String(error.mock.calls[0]![0])).toMatch(/"renewBefore" must be a number of seconds/);
    expect(setConfiguration).not.toHaveBeenCalled();
  });

  it('runAt(NaN) never fires and arms no timer (no 0 ms storm)', () => {
    const fn = vi.fn();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const cancel = runAt(NaN, fn);
    vi.advanceTimersByTime(100);
    expect(spy.mock.calls.length).toBe(0);
    expect(fn).not.toHaveBeenCalled();
    cancel();
  });

  it('the ESM renewBefore option is validated with a clear console error', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { chat } = await setup({ renewBefore: Number.NaN });
    expect(error.mock.calls.map(String).join('\n')).toMatch(/renewBefore must be a number of seconds/);
    error.mockClear();
    chat.setConfiguration({ renewBefore: -1 });
    expect(error.mock.calls.map(String).join('\n')).toMatch(/renewBefore must be a number of seconds/);
  });
});
