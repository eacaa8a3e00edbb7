/**
 * queue.ts, SPEC §5: the `_chatq` commands. Each runs its messenger method; a bad command
 * or argument logs one console error saying what to fix, and never throws into the page.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { drainQueue, EVENT_NAMES, runCommand } from '../../src/client/queue.js';
import type { Messenger } from '../../src/client/types.js';

const METHODS = ['setIdentity', 'setSignedIdentity', 'on', 'addMessage', 'pageChange', 'clearIdentity', 'setConfiguration', 'addTranslations'] as const;

/** A messenger that records which of its methods ran, with what. */
function recorder() {
  const calls: [string, ...unknown[]][] = [];
  const messenger = Object.fromEntries(METHODS.map((name) => [name, (...args: unknown[]) => void calls.push([name, ...args])])) as unknown as Messenger;
  return { messenger, calls };
}

let errors: string[];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(String(args[0])));
});
afterEach(() => vi.restoreAllMocks());

/** Runs one command; the methods it ran and the errors it logged. */
function run(command: unknown, late?: boolean): { calls: [string, ...unknown[]][]; errors: string[] } {
  const { messenger, calls } = recorder();
  runCommand(messenger, command, late);
  return { calls, errors };
}

describe('commands with good arguments', () => {
  it.each([
    [['_setIdentity', { uuid: 'u1' }], ['setIdentity', { uuid: 'u1' }]],
    [['_setIdentity', 'a.b.c'], ['setIdentity', 'a.b.c']],
    [['_setSignedIdentity', 'a.b.c'], ['setSignedIdentity', 'a.b.c']],
    [['_addMessage', { body: 'Welcome!' }], ['addMessage', { body: 'Welcome!', agent: false }]],
    [['_addMessage', { body: 'Hi', agent: true, extra: 1 }], ['addMessage', { body: 'Hi', agent: true }]],
    [['_pageChange'], ['pageChange']],
    [['_clearIdentity'], ['clearIdentity']],
    [['_setConfiguration', { locale: 'fr', renewBefore: 0, embedded: true }], ['setConfiguration', { locale: 'fr', renewBefore: 0, embedded: true }]],
    [['_addTranslations', { fr: { open: 'Ouvrir' } }], ['addTranslations', { fr: { open: 'Ouvrir' } }]],
  ])('%j runs %j', (command, expected) => {
    expect(run(command)).toEqual({ calls: [expected], errors: [] });
  });

  it('subscribes _onEvent to any of the events', () => {
    const fn = (): void => {};
    for (const name of EVENT_NAMES) expect(run(['_onEvent', name, fn]).calls.at(-1)).toEqual(['on', name, fn]);
    expect(errors).toEqual([]);
  });

  it('takes a server before load and hands the other options on without it', () => {
    expect(run(['_setConfiguration', { server: 'https://chat.example.test', title: 'Help' }]).calls).toEqual([['setConfiguration', { title: 'Help' }]]);
  });
});

describe('commands with bad arguments, each refused with what to fix', () => {
  it.each([
    [['_setIdentity', 42], 'chatq: _setIdentity takes an object.'],
    [['_setIdentity', ['a']], 'chatq: _setIdentity takes an object.'],
    [['_setSignedIdentity', { jwt: 'x' }], 'chatq: _setSignedIdentity takes the JWT string.'],
    [['_onEvent', 'message', () => {}], `chatq: _onEvent takes an event name, one of ${EVENT_NAMES.join(', ')}.`],
    [['_onEvent', 'started', 'handler'], 'chatq: _onEvent takes a function.'],
    [['_addMessage', 'hi'], 'chatq: _addMessage takes { body: "text", agent?: boolean }.'],
    [['_addMessage', { body: 'hi', agent: 'yes' }], 'chatq: _addMessage takes { body: "text", agent?: boolean }.'],
    [['_setConfiguration', null], 'chatq: _setConfiguration takes an object.'],
    [['_setConfiguration', { colour: 'red' }], 'chatq: _setConfiguration does not know "colour"; use embedded, parentNodeId, locale, renewBefore, title, position, theme, preview, titleAlert.'],
    [['_setConfiguration', { constructor: 'x' }], 'chatq: _setConfiguration does not know "constructor"; use embedded, parentNodeId, locale, renewBefore, title, position, theme, preview, titleAlert.'],
    [['_setConfiguration', { embedded: 'true' }], 'chatq: _setConfiguration "embedded" must be a boolean.'],
    [['_setConfiguration', { renewBefore: -5 }], 'chatq: _setConfiguration "renewBefore" must be a number of seconds ≥ 0.'],
    [['_setConfiguration', { renewBefore: Infinity }], 'chatq: _setConfiguration "renewBefore" must be a number of seconds ≥ 0.'],
    [['_setConfiguration', { server: 42 }], 'chatq: _setConfiguration "server" is a URL, set before loader.js loads.'],
    [['_addTranslations', { fr: 'Ouvrir' }], 'chatq: _addTranslations takes { en: { key: "text" } }.'],
    [['_addTranslations', []], 'chatq: _addTranslations takes { en: { key: "text" } }.'],
  ])('%j', (command, message) => {
    expect(run(command)).toEqual({ calls: [], errors: [message] });
  });

  it('refuses a server pushed after load: the widget already chose its server', () => {
    expect(run(['_setConfiguration', { server: 'https://chat.example.test' }], true)).toEqual({
      calls: [],
      errors: ['chatq: _setConfiguration "server" is a URL, set before loader.js loads.'],
    });
  });
});

describe('what is not a command', () => {
  it.each([[undefined], ['_pageChange'], [[]], [[42]]])('%j: says how to push', (command) => {
    expect(run(command)).toEqual({ calls: [], errors: ['chatq: _chatq.push takes an array: [command, ...arguments].'] });
  });

  it.each([['_open'], ['toString'], ['__proto__'], ['constructor']])('an unknown name (%s) lists the known commands', (name) => {
    expect(run([name])).toEqual({
      calls: [],
      errors: [`chatq: unknown command "${name}"; known commands: _setIdentity, _setSignedIdentity, _onEvent, _addMessage, _pageChange, _clearIdentity, _setConfiguration, _addTranslations.`],
    });
  });

  it('never throws into the page when the messenger does', () => {
    const { messenger } = recorder();
    messenger.pageChange = () => {
      throw new Error('boom');
    };
    expect(() => runCommand(messenger, ['_pageChange'])).not.toThrow();
    expect(errors).toEqual(['chatq: a command failed']);
  });
});

describe('the queue', () => {
  it('runs what was queued before load in order, including what is pushed while draining', () => {
    const { messenger, calls } = recorder();
    const queued: unknown[] = [['_pageChange'], ['_setConfiguration', { server: 'https://chat.example.test' }]];
    messenger.pageChange = () => {
      calls.push(['pageChange']);
      if (calls.length === 1) queued.push(['_clearIdentity']);
    };
    drainQueue(messenger, queued);
    expect(calls).toEqual([['pageChange'], ['setConfiguration', {}], ['clearIdentity']]);
    expect(errors).toEqual([]);
  });

  it('then runs pushes at once, as late ones, on the returned queue and on the page’s own array', () => {
    const { messenger, calls } = recorder();
    const queued: unknown[] = [];
    const live = drainQueue(messenger, queued);
    live.push(['_pageChange'], ['_clearIdentity']);
    queued.push(['_setConfiguration', { server: 'https://chat.example.test' }]);
    expect(calls).toEqual([['pageChange'], ['clearIdentity']]);
    expect(errors).toEqual(['chatq: _setConfiguration "server" is a URL, set before loader.js loads.']);
  });

  it('starts with no queue at all', () => {
    const { messenger, calls } = recorder();
    drainQueue(messenger).push(['_pageChange']);
    expect(calls).toEqual([['pageChange']]);
  });
});
