/** support/events.ts: the typed emitter behind `messenger.on` (SPEC §5 events). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../../src/client/support/events.js';

interface Events {
  ping: { event: 'ping'; n: number };
  pong: { event: 'pong' };
}

afterEach(() => vi.restoreAllMocks());

describe('the emitter', () => {
  it('calls each listener of the name with the data and the event name', () => {
    const emitter = new Emitter<Events>();
    const pings: unknown[] = [];
    const pongs: unknown[] = [];
    emitter.on('ping', (data) => pings.push(data));
    emitter.on('pong', (data) => pongs.push(data));
    emitter.emit('ping', { n: 1 });
    expect(pings).toEqual([{ n: 1, event: 'ping' }]);
    expect(pongs).toEqual([]);
  });

  it('stops calling a listener once its returned function is called', () => {
    const emitter = new Emitter<Events>();
    const fn = vi.fn();
    const off = emitter.on('ping', fn);
    emitter.emit('ping', { n: 1 });
    off();
    emitter.emit('ping', { n: 2 });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('logs a listener that throws and still calls the others', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const emitter = new Emitter<Events>();
    const after = vi.fn();
    emitter.on('ping', () => {
      throw new Error('host bug');
    });
    emitter.on('ping', after);
    expect(() => emitter.emit('ping', { n: 1 })).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
    expect(logged).toHaveBeenCalledWith('chatq: ping listener threw', expect.any(Error));
  });

  it('does not call a listener added while the event is being delivered', () => {
    const emitter = new Emitter<Events>();
    const late = vi.fn();
    emitter.on('ping', () => emitter.on('ping', late));
    emitter.emit('ping', { n: 1 });
    expect(late).not.toHaveBeenCalled();
  });

  it('forgets every listener on clear', () => {
    const emitter = new Emitter<Events>();
    const fn = vi.fn();
    emitter.on('ping', fn);
    emitter.on('pong', fn);
    emitter.clear();
    emitter.emit('ping', { n: 1 });
    emitter.emit('pong', {});
    expect(fn).not.toHaveBeenCalled();
  });
});
