/**
 * examples/nestjs: installed from the packed tarball, built with tsc (npm run build),
 * started with npm start (chatq as Express middleware before Nest's routes);
 * it serves the page, signs a token and carries a first answered chat.
 */
import { describe, it } from 'vitest';
import { firstChat } from './chat.js';
import { useExample } from './example.js';

const running = useExample('nestjs', { build: true });

describe('examples/nestjs', () => {
  it('npm run build && npm start: a first answered chat', async () => {
    await firstChat(running.base);
  });
});
