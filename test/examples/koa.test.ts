/**
 * examples/koa: installed from the packed tarball and started with npm start,
 * it serves the page, signs a token and carries a first answered chat.
 */
import { describe, it } from 'vitest';
import { firstChat } from './chat.js';
import { useExample } from './example.js';

const running = useExample('koa');

describe('examples/koa', () => {
  it('npm start: a first answered chat', async () => {
    await firstChat(running.base);
  });
});
