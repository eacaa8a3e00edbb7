// @vitest-environment node
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM demo code, no types
import { createHostSite } from '../../demo/lib/host-site.mjs';
// @ts-expect-error: plain ESM demo code, no types
import { createChatSite } from '../../demo/lib/chat-site.mjs';

/** GET `path` on 127.0.0.1:port with an explicit Host header; resolves the status. */
function get(port: number, path: string, host: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('demo servers refuse DNS-rebinding Host headers', () => {
  it('the host site answers 127.0.0.1:port and localhost:port only', async () => {
    const server = createHostSite({ signingKeys: [], chatPort: () => 1, modes: {} });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await get(port, '/api/config', `127.0.0.1:${port}`)).toBe(200);
      expect(await get(port, '/api/config', `localhost:${port}`)).toBe(200);
      expect(await get(port, '/api/config', `rebind.attacker.example:${port}`)).toBe(421);
      expect(await get(port, '/api/config', `127.0.0.1:${port + 1}`)).toBe(421);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the chat site answers no rebound name, and hands out no agent credential at all (the inbox signs in with the token)', async () => {
    const site = createChatSite({ mounts: [], hostOrigins: [], hostUrl: () => '', agentToken: 'a'.repeat(32), loaderScript: '', shownConfig: '' });
    const { server } = site;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const sameOrigin = { 'sec-fetch-site': 'same-origin' };
    try {
      expect(await get(port, '/favicon.ico', `127.0.0.1:${port}`, sameOrigin)).toBe(204);
      expect(await get(port, '/favicon.ico', `rebind.attacker.example:${port}`, sameOrigin)).toBe(421);
      expect(await get(port, '/demo/agent-session', `127.0.0.1:${port}`, sameOrigin)).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await site.close();
    }
  });
});
