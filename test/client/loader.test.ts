import { describe, expect, it, vi } from 'vitest';
import { chatServer } from '../../src/client/base.js';
import { drainQueue, runCommand } from '../../src/client/queue.js';
import type { Messenger } from '../../src/client/index.js';
import { BASE, flush, part, realServer, token, useCleanPage } from './helpers.js';

useCleanPage();

/** A messenger double that records calls in order. */
function recorder(): { messenger: Messenger; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const record = (name: string) => (...args: unknown[]) => {
    calls.push([name, ...args]);
    return name.startsWith('set') && name.includes('Identity') ? Promise.resolve({ ok: true }) : () => {};
  };
  const names = ['setIdentity', 'setSignedIdentity', 'clearIdentity', 'on', 'open', 'close', 'addMessage', 'pageChange', 'addTranslations', 'setConfiguration', 'destroy'];
  return { messenger: Object.fromEntries(names.map((n) => [n, record(n)])) as unknown as Messenger, calls };
}

describe('the _chatq command queue', () => {
  it('drains queued commands in order, then push runs at once', () => {
    const { messenger, calls } = recorder();
    const fn = () => {};
    const queued: unknown[] = [
      ['_setConfiguration', { embedded: true, parentNodeId: 'chat' }],
      ['_setIdentity', { firstname: 'John', uuid: '5457', extra_values: { customer_id: 'A1' } }],
      ['_onEvent', 'chat_engaged', fn],
      ['_addMessage', { body: 'Hello, how can I help?', agent: true }],
      ['_pageChange'],
      ['_addTranslations', { en: { send: 'Go' } }],
      ['_setSignedIdentity', 'a.b.c'],
      ['_clearIdentity'],
    ];
    const queue = drainQueue(messenger, queued);
    expect(calls.map((c) => c[0])).toEqual([
      'setConfiguration', 'setIdentity', 'on', 'addMessage', 'pageChange', 'addTranslations', 'setSignedIdentity', 'clearIdentity',
    ]);
    expect(calls[2]).toEqual(['on', 'chat_engaged', fn]);
    queue.push(['_pageChange']);
    expect(calls.at(-1)).toEqual(['pageChange']);
  });

  it('a command pushed after load on the array the page kept still runs (no dead array)', () => {
    const { messenger, calls } = recorder();
    const kept: unknown[] = [['_pageChange']];
    drainQueue(messenger, kept);
    kept.push(['_setSignedIdentity', 'a.b.c']);
    expect(calls.map((c) => c[0])).toEqual(['pageChange', 'setSignedIdentity']);
  });

  it('runs commands pushed while draining, after the ones already queued', () => {
    const { messenger, calls } = recorder();
    const queued: unknown[] = [['_pageChange']];
    queued.push(['_addMessage', { body: 'second' }]);
    drainQueue(messenger, queued);
    expect(calls.map((c) => c[0])).toEqual(['pageChange', 'addMessage']);
  });

  it.each([
    [['_unknown'], /unknown command "_unknown"; known commands: _setIdentity/],
    ['not an array', /takes an array/],
    [['_setSignedIdentity', 42], /_setSignedIdentity takes the JWT string/],
    [['_setIdentity', null], /_setIdentity takes an object/],
    [['_onEvent', 'nope', () => {}], /_onEvent takes an event name, one of started/],
    [['_onEvent', 'started', 'not a function'], /_onEvent takes a function/],
    [['_addMessage', { text: 'x' }], /_addMessage takes \{ body/],
    [['_setConfiguration', { embeded: true }], /does not know "embeded"/],
    [['_setConfiguration', { renewBefore: -5 }], /"renewBefore" must be a number of seconds/],
    [['_addTranslations', { en: 'x' }], /_addTranslations takes/],
  ])('%j logs one clear console error and runs nothing', (command, message) => {
    const { messenger, calls } = recorder();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => runCommand(messenger, command)).not.toThrow();
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![0])).toMatch(message);
    expect(calls).toEqual([]);
  });

  it('a command that throws never reaches the host page', () => {
    const { messenger } = recorder();
    messenger.pageChange = () => {
      throw new Error('boom');
    };
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => drainQueue(messenger, [['_pageChange'], ['_pageChange']])).not.toThrow();
    expect(error.mock.calls).toEqual([
      ['chatq: a command failed', new Error('boom')],
      ['chatq: a command failed', new Error('boom')],
    ]);
  });
});

/**
 * A spy on the browser's own `currentScript` getter, on the prototype that defines it: base.ts
 * reads it there, past the page's named elements (happy-dom's `Document` global is not that prototype).
 */
function spyCurrentScript() {
  let owner: object = document;
  while (!Object.getOwnPropertyDescriptor(owner, 'currentScript')) owner = Object.getPrototypeOf(owner);
  return vi.spyOn(owner as Document, 'currentScript', 'get');
}

describe('{base} from the script URL', () => {
  const currentScript = spyCurrentScript;

  it('uses document.currentScript (a plain async script)', () => {
    const script = document.createElement('script');
    script.src = 'https://chat.example.com/chatq/loader.js?v=3';
    currentScript().mockReturnValue(script);
    expect(chatServer(undefined)).toBe('https://chat.example.com/chatq');
  });

  it('takes no element that merely looks like a loader when the browser names no running script (DOM clobbering, issue 16)', () => {
    currentScript().mockReturnValue(null);
    // Markup a review could carry: an inert script element pointing at another server.
    const decoy = document.createElement('script');
    decoy.setAttribute('src', 'https://attacker.example/x/loader.js');
    decoy.type = 'text/plain'; // not executed by happy-dom
    document.head.append(decoy);
    // Here the code runs from a file path, not a URL: no server, rather than the decoy's.
    expect(chatServer(undefined)).toBeUndefined();
    // `data-chatq-server` or `_setConfiguration({ server })` still say where it is.
    expect(chatServer([['_setConfiguration', { server: 'https://chat.example.com/chatq/' }]])).toBe('https://chat.example.com/chatq');
    decoy.remove();
  });

  it('only a script element counts as the running script', () => {
    const image = document.createElement('img');
    image.src = 'https://attacker.example/x/loader.js';
    currentScript().mockReturnValue(image as unknown as HTMLScriptElement);
    expect(chatServer(undefined)).toBeUndefined();
  });
});

describe('loader.js end to end (happy-dom)', () => {
  it('runs commands queued before load, then replaces _chatq with an immediate queue', async () => {
    const server = realServer().install();
    spyCurrentScript().mockReturnValue(Object.assign(document.createElement('script'), { src: `${BASE}/loader.js` }));
    const seen: string[] = [];
    const w = window as unknown as { _chatq: unknown };
    w._chatq = [
      ['_onEvent', 'identity_verified', (d: { event: string }) => seen.push(d.event)],
      ['_onEvent', 'started', (d: { event: string }) => seen.push(d.event)],
      ['_setSignedIdentity', token()],
    ];
    vi.resetModules();
    await import('../../src/client/loader.js');
    await flush();
    expect(seen).toEqual(['started', 'identity_verified']);
    // The policy first; then the queued JWT is the only registration (no anonymous one before it).
    expect(server.requests[0]!.url).toBe(`${BASE}/v1/policy`);
    const registrations = server.requests.filter((r) => r.url === `${BASE}/v1/identity`);
    expect(registrations.map((r) => [typeof (r.body as { jwt?: unknown }).jwt, r.status])).toEqual([['string', 200]]);
    const host = document.querySelector('chatq-messenger')!;
    expect(part(host.shadowRoot!, 'launcher').hidden).toBe(false);
    const queue = w._chatq as { push(...c: unknown[]): number };
    expect(Array.isArray(queue)).toBe(false);
    queue.push(['_addMessage', { body: 'pushed after load', agent: true }]);
    // loader.js carries no panel: panel.js comes when needed (SPEC §10; test/e2e/panel-load.test.ts shows the message then).
    expect(host.shadowRoot!.querySelector('[part="panel"]')).toBeNull();
    delete (w as { _chatq?: unknown })._chatq;
    delete (w as unknown as Record<symbol, unknown>)[Symbol.for('chatq.loaded')];
    host.remove();
  });
});
