/**
 * examples/nestjs: installed from the packed tarball, built with tsc (npm run build),
 * started with npm start (chatq as Express middleware before Nest's routes);
 * it serves the page, signs a token and carries a first answered chat.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { firstChat } from './chat.js';
import { installExample, npmRun, type Running, startExample } from './example.js';

let example: Awaited<ReturnType<typeof installExample>>;
let running: Running;
beforeAll(async () => {
  example = await installExample('nestjs');
  await npmRun(example.dir, 'build');
  running = await startExample(example.dir, 'start');
});
afterAll(async () => {
  await running?.stop();
  example?.remove();
});

describe('examples/nestjs', () => {
  it('npm run build && npm start: a first answered chat', async () => {
    await firstChat(running.base);
  });
});
