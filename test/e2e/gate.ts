/**
 * A TCP gate on a fixed 127.0.0.1 port in front of a real server, for the outage tests: shut,
 * the port refuses connections (the server is down as the browser sees it, nothing mocked);
 * open, every connection is piped through. `shut()` also cuts what is open (the stream).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Gate {
  /** `http://127.0.0.1:{port}`: the server's origin as the page knows it. */
  url: string;
  open(): Promise<void>;
  shut(): Promise<void>;
}

/** A gate to `target` (an `http://127.0.0.1:port` origin), shut until `open()`. */
export async function gate(target: string): Promise<Gate> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const upstream = connect(Number(new URL(target).port), '127.0.0.1');
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    shut: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) resolve();
        else server.close(() => resolve());
      }),
  };
}
