import { describe, expect, it } from 'vitest';
import { INCOMING_KEY, nodeServerEnv } from '../../../../src/server/handler/adapter/node-env.js';

const request = (): Request => new Request('https://chat.test/v1/identity');
const incoming = (remoteAddress: unknown, url: unknown = '/chatq/v1/identity') => ({ url, socket: { remoteAddress } });

describe('nodeServerEnv.clientAddress', () => {
  it("reads the socket address of @hono/node-server's env.incoming", () => {
    expect(nodeServerEnv.clientAddress(request(), { incoming: incoming('203.0.113.7'), outgoing: {} })).toBe('203.0.113.7');
  });

  it('prefers env.incoming over the Node request the Request keeps', () => {
    const withKey = Object.assign(request(), { [INCOMING_KEY]: incoming('198.51.100.1') });
    expect(nodeServerEnv.clientAddress(withKey, { incoming: incoming('203.0.113.7') })).toBe('203.0.113.7');
  });

  it("finds the IncomingMessage toNodeListener's Request keeps under INCOMING_KEY when there is no env", () => {
    const withKey = Object.assign(request(), { [INCOMING_KEY]: incoming('198.51.100.1') });
    expect(nodeServerEnv.clientAddress(withKey, undefined)).toBe('198.51.100.1');
  });

  it("finds one kept under another symbol described incomingKey (@hono/node-server's own)", () => {
    const honoKey = Symbol('incomingKey');
    const withKey = Object.assign(request(), { [Symbol('other')]: incoming('192.0.2.9'), [honoKey]: incoming('2001:db8::1') });
    expect(nodeServerEnv.clientAddress(withKey, {})).toBe('2001:db8::1');
  });

  it('reads nothing on other runtimes: no env, a Workers-like env, a socket without an address', () => {
    expect(nodeServerEnv.clientAddress(request(), undefined)).toBeUndefined();
    expect(nodeServerEnv.clientAddress(request(), { incoming: { socket: {} } })).toBeUndefined(); // no url: not a Node request
    expect(nodeServerEnv.clientAddress(request(), { KV: {}, incoming: 'x' })).toBeUndefined();
    expect(nodeServerEnv.clientAddress(request(), { incoming: incoming('') })).toBeUndefined();
    expect(nodeServerEnv.clientAddress(request(), { incoming: incoming(42) })).toBeUndefined();
    expect(nodeServerEnv.clientAddress(request(), { incoming: { url: '/', socket: null } })).toBeUndefined();
  });
});

describe('nodeServerEnv.receivedTarget', () => {
  it('is the request target the Node server received, before a mount shortened it', () => {
    expect(nodeServerEnv.receivedTarget({ incoming: incoming('203.0.113.7', '/chatq/v1/messages?x=1') })).toBe('/chatq/v1/messages?x=1');
  });

  it('is undefined without a Node request or with a target that is not text', () => {
    expect(nodeServerEnv.receivedTarget(undefined)).toBeUndefined();
    expect(nodeServerEnv.receivedTarget(null)).toBeUndefined();
    expect(nodeServerEnv.receivedTarget({ incoming: incoming('203.0.113.7', 7) })).toBeUndefined();
  });
});
