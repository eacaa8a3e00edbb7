import { describe, expect, it } from 'vitest';
import { inheritThrough } from '../../../../src/server/handler/adapter/inherit-through.js';

/** A stand-in that owns `url` and builds its real twin on first use, counting how often. */
function standInClass() {
  const built: object[] = [];
  class StandIn {
    constructor(readonly id: string) {}
    get url(): string {
      return `stand-in:${this.id}`;
    }
  }
  const twins = new WeakMap<object, Request>();
  inheritThrough(StandIn.prototype, Request.prototype, (self) => {
    let twin = twins.get(self);
    if (!twin) {
      twin = new Request(`https://real.test/${(self as StandIn).id}`, { method: 'POST', body: 'hello', headers: { 'X-Id': (self as StandIn).id } });
      twins.set(self, twin);
      built.push(self);
    }
    return twin;
  });
  return { StandIn, built };
}

describe('inheritThrough: a stand-in that is a Request', () => {
  it('makes instanceof hold without building the real object', () => {
    const { StandIn, built } = standInClass();
    const standIn = new StandIn('a');
    expect(standIn).toBeInstanceOf(Request);
    expect(built).toEqual([]);
  });

  it("keeps the stand-in's own members and never asks the real object for them", () => {
    const { StandIn, built } = standInClass();
    const standIn = new StandIn('a') as unknown as Request;
    expect(standIn.url).toBe('stand-in:a');
    expect(built).toEqual([]);
  });

  it('passes every other getter through to the real object, built once per instance', () => {
    const { StandIn, built } = standInClass();
    const standIn = new StandIn('b') as unknown as Request;
    expect(standIn.method).toBe('POST');
    expect(standIn.headers.get('X-Id')).toBe('b');
    expect(built).toHaveLength(1);
  });

  it('passes methods through with the real object as `this` and the arguments unchanged', async () => {
    const { StandIn } = standInClass();
    const standIn = new StandIn('c') as unknown as Request;
    expect(await standIn.text()).toBe('hello');
    expect(standIn.bodyUsed).toBe(true);
  });

  it('leaves the constructor and Symbol.toStringTag to the prototype chain', () => {
    const { StandIn } = standInClass();
    expect(Object.hasOwn(StandIn.prototype, Symbol.toStringTag)).toBe(false);
    expect(StandIn.prototype.constructor).toBe(StandIn);
    expect(Object.prototype.toString.call(new StandIn('d'))).toBe('[object Request]');
  });
});
