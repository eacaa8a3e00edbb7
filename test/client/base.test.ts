/**
 * base.ts, SPEC §5 and §6 "Fitting": `{base}`, where the handler is mounted, taken from the
 * running loader.js (or the host's `data-chatq-server` / `_setConfiguration({ server })`),
 * never from an element of the page (issue 16).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatServer } from '../../src/client/base.js';
import { stubDocumentGetter } from './support/document-getter.js';

afterEach(() => {
  delete (document as unknown as Record<string, unknown>).currentScript;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

/** loader.js is the script running now, loaded from `src`. */
function running(src: string, server?: string): HTMLScriptElement {
  const script = document.createElement('script');
  script.setAttribute('src', src);
  if (server !== undefined) script.dataset.chatqServer = server;
  stubDocumentGetter('currentScript', () => script);
  return script;
}

describe('the widget’s own URL', () => {
  it('is the running script’s folder when it is loader.js', () => {
    running('https://chat.example.test/chatq/loader.js?v=3');
    expect(chatServer(undefined)).toBe('https://chat.example.test/chatq');
  });

  it('is the running script’s whole path when the file has another name', () => {
    running('https://chat.example.test/chatq/widget.js');
    expect(chatServer([])).toBe('https://chat.example.test/chatq/widget.js');
  });

  it('is resolved against the page for a relative src', () => {
    running('/chatq/loader.js');
    expect(chatServer([])).toBe(`${location.origin}/chatq`);
  });

  it('is never taken from an <img name="currentScript"> of the page', () => {
    running('https://chat.example.test/chatq/loader.js');
    const image = document.createElement('img');
    image.src = 'https://attacker.example/loader.js';
    Object.defineProperty(document, 'currentScript', { value: image, configurable: true });
    expect(chatServer([])).toBe('https://chat.example.test/chatq');
  });
});

describe('a server the host names (a copy of loader.js served by the host site)', () => {
  it('is read from data-chatq-server, trailing slashes dropped', () => {
    running('/assets/loader.js', 'https://chat.example.test/chatq//');
    expect(chatServer([])).toBe('https://chat.example.test/chatq');
  });

  it('is read from _setConfiguration queued before load, the last one winning over the attribute', () => {
    running('/assets/loader.js', 'https://one.example.test/chatq');
    const queued = [
      ['_setConfiguration', { server: 'https://two.example.test/chatq' }],
      ['_setConfiguration', { server: 'https://three.example.test/x/' }],
      ['_setConfiguration', { locale: 'fr' }],
    ];
    expect(chatServer(queued)).toBe('https://three.example.test/x');
  });

  it('ignores queued entries that are not a string server', () => {
    running('https://chat.example.test/chatq/loader.js');
    const queued = ['_setConfiguration', ['_setConfiguration'], ['_setConfiguration', null], ['_setConfiguration', { server: 42 }], ['_setIdentity', { server: 'https://x.example' }]];
    expect(chatServer(queued)).toBe('https://chat.example.test/chatq');
  });

  it('is used even where no running script is named', () => {
    stubDocumentGetter('currentScript', () => null);
    expect(chatServer([['_setConfiguration', { server: 'https://chat.example.test/chatq/' }]])).toBe('https://chat.example.test/chatq');
  });
});
