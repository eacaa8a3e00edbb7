import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BodyReader } from '../../../../src/server/handler/adapter/node-body.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A real IncomingMessage on an unconnected socket: the test pushes its body as the parser would. */
function incoming(headers: Record<string, string> = { 'content-length': '5' }): IncomingMessage & { arrive(text: string): void; finish(): void } {
  const req = new IncomingMessage(new Socket());
  req.headers = headers;
  return Object.assign(req, {
    arrive: (text: string) => void req.push(Buffer.from(text)),
    finish: () => {
      req.complete = true;
      req.push(null);
    },
  });
}

/** A request whose body a middleware mounted first read to its end, leaving `fields` on it. */
async function alreadyRead(fields: Record<string, unknown>, headers: Record<string, string> = { 'content-length': '7' }): Promise<IncomingMessage> {
  const req = incoming(headers);
  req.arrive('{"a":1}');
  req.finish();
  req.resume();
  await new Promise((resolve) => req.once('end', resolve));
  return Object.assign(req, fields);
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const nameOf = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'resolved', (error: Error) => error.name);

/** Reads the whole body of `req` (which then arrives as `body`) through `reader`. */
async function readWhole(reader: BodyReader, req: ReturnType<typeof incoming>, body: string): Promise<Uint8Array> {
  const whole = reader.readAll();
  req.arrive(body);
  req.finish();
  return whole;
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += text(chunk);
  return out;
}

describe('BodyReader.isAbsent (RFC 9112 §6.3)', () => {
  it('is true with neither Content-Length nor Transfer-Encoding, or a zero length', () => {
    expect(new BodyReader(incoming({}), 100, Infinity).isAbsent()).toBe(true);
    expect(new BodyReader(incoming({ 'content-length': '0' }), 100, Infinity).isAbsent()).toBe(true);
    expect(new BodyReader(incoming({ 'content-length': '3' }), 100, Infinity).isAbsent()).toBe(false);
    expect(new BodyReader(incoming({ 'transfer-encoding': 'chunked' }), 100, Infinity).isAbsent()).toBe(false);
  });
});

describe('BodyReader.readAll: the whole body, read only when asked', () => {
  it('reads nothing before it is asked, then the chunks joined, and the same bytes when asked again', async () => {
    const req = incoming({ 'content-length': '11' });
    const reader = new BodyReader(req, 100, Infinity);
    req.arrive('hello ');
    expect(req.readableFlowing).toBeNull();
    const whole = reader.readAll();
    req.arrive('world');
    req.finish();
    expect(text(await whole)).toBe('hello world');
    expect(await reader.readAll()).toBe(await whole);
  });

  it("stops past the adapter's limit (or a smaller cap asked for) with BodyTooLargeError, and marks the request abandoned", async () => {
    const req = incoming({ 'transfer-encoding': 'chunked' });
    const reader = new BodyReader(req, 10, Infinity);
    const whole = reader.readAll(4);
    req.arrive('12345');
    expect(await nameOf(whole)).toBe('BodyTooLargeError');
    expect(reader.abandoned).toBe(true);
    expect(req.isPaused()).toBe(true);
    expect(reader.settle()).toBe(false);
  });

  it('fails when the client goes away before its body arrived', async () => {
    const req = incoming({ 'content-length': '10' });
    const reader = new BodyReader(req, 100, Infinity);
    const whole = reader.readAll();
    req.arrive('part');
    req.destroy();
    await expect(whole).rejects.toThrow('The client went away before its request body arrived.');
  });
});

describe('BodyReader: the deadline (SPEC §6: the body within 10 s)', () => {
  it('fails a read in progress with BodyTimeoutError once the deadline passes, and every later read too', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const req = incoming({ 'content-length': '10' });
    const reader = new BodyReader(req, 100, 10_000);
    const whole = reader.readAll();
    req.arrive('slow');
    vi.advanceTimersByTime(9_999);
    expect(reader.timedOut).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await nameOf(whole)).toBe('BodyTimeoutError');
    expect(reader).toMatchObject({ timedOut: true, abandoned: true });
    expect(await nameOf(new Promise((resolve, reject) => reader.stream().getReader().read().then(resolve, reject)))).toBe('BodyTimeoutError');
  });

  it('fails a read asked for after the deadline at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const reader = new BodyReader(incoming({ 'content-length': '10' }), 100, 1_000);
    vi.advanceTimersByTime(1_000);
    expect(await nameOf(reader.readAll())).toBe('BodyTimeoutError');
  });

  it('is disarmed by a body that arrived in time, and never armed with Infinity or for no body', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const req = incoming();
    const reader = new BodyReader(req, 100, 1_000);
    expect(text(await readWhole(reader, req, '12345'))).toBe('12345');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(reader.timedOut).toBe(false);
    new BodyReader(incoming(), 100, Infinity);
    new BodyReader(incoming({}), 100, 1_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes the connection at once when the deadline passes while the body is being discarded', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const req = incoming({ 'content-length': '10' });
    const reader = new BodyReader(req, 100, 1_000);
    reader.discard();
    expect(req.socket.destroyed).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(req.socket.destroyed).toBe(true);
  });
});

describe("BodyReader: the handler's deadline rides on the adapter's timer (issue 22 item 1)", () => {
  it("fails the read at the handler's deadline when it comes first, with one timer", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const req = incoming({ 'content-length': '10' });
    const reader = new BodyReader(req, 100, 10_000);
    const whole = reader.readAll(100, 1_000);
    req.arrive('slow');
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(999);
    expect(reader.timedOut).toBe(false);
    vi.advanceTimersByTime(1);
    expect(reader.timedOut).toBe(true);
    expect(await nameOf(whole)).toBe('BodyTimeoutError');
  });

  it("keeps the adapter's deadline when it comes first, and the handler's when the adapter has none", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const first = incoming({ 'content-length': '10' });
    const adapters = new BodyReader(first, 100, 1_000);
    const read = adapters.readAll(100, 5_000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(await nameOf(read)).toBe('BodyTimeoutError');
    const none = new BodyReader(incoming({ 'content-length': '10' }), 100, Infinity);
    const late = none.readAll(100, 2_000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(2_000);
    expect(await nameOf(late)).toBe('BodyTimeoutError');
  });
});

describe('BodyReader: a body whose bytes have all arrived is taken from the buffer at once', () => {
  // node's parser pushes a small body with its headers but says the message is complete only on a
  // later turn of the event loop: the read need not wait for that turn, nor keep a timer or listeners.
  it('resolves with its Content-Length bytes before the end of the message, disarmed, nothing left to drain', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const req = incoming({ 'content-length': '5' });
    const reader = new BodyReader(req, 100, 1_000);
    req.arrive('12345');
    const whole = reader.readAll();
    expect(vi.getTimerCount()).toBe(0);
    expect(req.listenerCount('data') + req.listenerCount('end')).toBe(0);
    expect(text(await whole)).toBe('12345');
    expect(reader.settle()).toBe(true);
    expect(req.listenerCount('end')).toBe(0);
  });

  it('waits for the rest when only part has arrived, and refuses one over the cap', async () => {
    const partial = incoming({ 'content-length': '10' });
    const reader = new BodyReader(partial, 100, Infinity);
    partial.arrive('12345');
    const whole = reader.readAll();
    partial.arrive('67890');
    partial.finish();
    expect(text(await whole)).toBe('1234567890');
    const big = incoming({ 'content-length': '5' });
    big.arrive('12345');
    const capped = new BodyReader(big, 100, Infinity);
    expect(await nameOf(capped.readAll(4))).toBe('BodyTooLargeError');
    expect(capped.abandoned).toBe(true);
    expect(capped.settle()).toBe(false);
  });
});

describe('BodyReader: a body a middleware mounted first already read (SPEC §6 "Fitting")', () => {
  it("takes req.body as the parser left it, under the same limit", async () => {
    const reader = new BodyReader(await alreadyRead({ body: { clientId: 'c1' } }), 100, Infinity);
    expect(JSON.parse(text(await reader.readAll()))).toEqual({ clientId: 'c1' });
    expect(await readStream(reader.stream())).toBe('{"clientId":"c1"}');
    expect(await nameOf(new BodyReader(await alreadyRead({ rawBody: 'x'.repeat(11) }), 10, Infinity).readAll())).toBe('BodyTooLargeError');
  });

  it('fails at once with BodyConsumedError, saying where to mount the handler, when the parser left nothing', async () => {
    const reader = new BodyReader(await alreadyRead({}), 100, 1_000);
    const error = (await reader.readAll().then(() => undefined, (caught: unknown) => caught)) as Error;
    expect(error.name).toBe('BodyConsumedError');
    expect(error.message).toMatch(/mount toNodeListener\(handler\) before the body parser.*req\.raw\.body = req\.body/);
  });
});

describe('BodyReader.stream: the body as a web stream', () => {
  it('reads nothing until its first read, then hands on the chunks as they come', async () => {
    const req = incoming({ 'content-length': '6' });
    const reader = new BodyReader(req, 100, Infinity);
    const stream = reader.stream();
    req.arrive('abc');
    expect(req.readableFlowing).toBeNull();
    const read = readStream(stream);
    req.arrive('def');
    req.finish();
    expect(await read).toBe('abcdef');
  });

  it('errors past the limit with BodyTooLargeError and abandons the request', async () => {
    const req = incoming({ 'transfer-encoding': 'chunked' });
    const reader = new BodyReader(req, 4, Infinity);
    const read = readStream(reader.stream());
    req.arrive('12345');
    expect(await nameOf(read)).toBe('BodyTooLargeError');
    expect(reader.abandoned).toBe(true);
  });

  it('abandons the request when the stream is cancelled, and refuses readAll once streaming started', async () => {
    const req = incoming({ 'content-length': '6' });
    const reader = new BodyReader(req, 100, Infinity);
    const streamReader = reader.stream().getReader();
    const first = streamReader.read();
    req.arrive('abc');
    expect(text((await first).value!)).toBe('abc');
    await expect(reader.readAll()).rejects.toThrow(TypeError);
    await streamReader.cancel();
    expect(reader.abandoned).toBe(true);
  });

  it('gives the bytes readAll already read', async () => {
    const req = incoming();
    const reader = new BodyReader(req, 100, Infinity);
    await readWhole(reader, req, '12345');
    expect(await readStream(reader.stream())).toBe('12345');
  });
});

describe('BodyReader.settle: may the connection be kept after the answer', () => {
  it('keeps it when the body was read to its end, or has fully arrived (drained)', async () => {
    const read = incoming();
    const reader = new BodyReader(read, 100, Infinity);
    await readWhole(reader, read, '12345');
    expect(reader.settle()).toBe(true);
    const arrived = incoming();
    arrived.arrive('12345');
    arrived.finish();
    expect(new BodyReader(arrived, 100, Infinity).settle()).toBe(true);
    expect(arrived.readableFlowing).toBe(true);
  });

  it('drains a small announced body still arriving, bound by the deadline', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const req = incoming({ 'content-length': '50' });
    const reader = new BodyReader(req, 100, 1_000);
    expect(reader.settle()).toBe(true);
    expect(req.readableFlowing).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(req.socket.destroyed).toBe(true);
  });

  it('closes it for an unread body with no length, or a length past the limit', () => {
    const chunked = new BodyReader(incoming({ 'transfer-encoding': 'chunked' }), 100, Infinity);
    expect(chunked.settle()).toBe(false);
    expect(chunked.abandoned).toBe(true);
    expect(new BodyReader(incoming({ 'content-length': '101' }), 100, Infinity).settle()).toBe(false);
    expect(new BodyReader(incoming({ 'content-length': '1e2' }), 1000, Infinity).settle()).toBe(false);
  });
});

describe('BodyReader.discard: a GET or HEAD body is not ours', () => {
  it('lets it flow away without reading it', () => {
    const req = incoming();
    new BodyReader(req, 100, Infinity).discard();
    expect(req.readableFlowing).toBe(true);
  });
});
