/**
 * A TCP proxy the soak controls, between one instance and Redis: `cut()`
 * destroys every connection and refuses new ones (accepted, then closed at
 * once, as a broken network path looks to a client), `restore()` lets them
 * through again. Only 127.0.0.1.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface CutProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  let isCut = false;
  const live = new Set<Socket>();
  const server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      live.add(socket);
      socket.once('close', () => live.delete(socket));
      socket.on('error', () => {});
    }
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cut() {
      isCut = true;
      for (const socket of live) socket.destroy();
    },
    restore() {
      isCut = false;
    },
    async close() {
      for (const socket of live) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
