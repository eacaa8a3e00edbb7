/**
 * examples/hono: installed from the packed tarball and started with npm start,
 * it serves the page, signs a token and carries a first answered chat.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { firstChat } from './chat.js';
import { installExample, type Running, startExample } from './example.js';

let example: Awaited<ReturnType<typeof installExample>>;
let running: Running;
beforeAll(async () => {
  example = await installExample('hono');
  running = await startExample(example.dir, 'start');
});
afterAll(async () => {
  await running?.stop();
  example?.remove();
});

describe('examples/hono', () => {
  it('npm start: a first answered chat', async () => {
    await firstChat(running.base);
  });
});
