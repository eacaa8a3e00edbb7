/**
 * examples/express: Express 5, CommonJS, express.json() and compression()
 * before chatq; the agent's reply reaches the visitor's stream through them.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { firstChat } from './chat.js';
import { installExample, type Running, startExample } from './example.js';

let example: Awaited<ReturnType<typeof installExample>>;
let running: Running;
beforeAll(async () => {
  example = await installExample('express');
  running = await startExample(example.dir, 'start');
});
afterAll(async () => {
  await running?.stop();
  example?.remove();
});

describe('examples/express', () => {
  it('npm start: a first answered chat through express.json() and compression()', async () => {
    await firstChat(running.base);
  });
});
