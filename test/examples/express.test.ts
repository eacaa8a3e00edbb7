/**
 * examples/express: Express 5, CommonJS, express.json() and compression()
 * before chatq; the agent's reply reaches the visitor's stream through them.
 */
import { describe, it } from 'vitest';
import { firstChat } from './chat.js';
import { useExample } from './example.js';

const running = useExample('express');

describe('examples/express', () => {
  it('npm start: a first answered chat through express.json() and compression()', async () => {
    await firstChat(running.base);
  });
});
