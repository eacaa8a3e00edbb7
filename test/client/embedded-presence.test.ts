/** SPEC §10 "Who is answering" / §11 presence: an embedded panel, shown before `GET v1/policy` answers, still says who is available. */
import { describe, expect, it } from 'vitest';
import { part, setup, useCleanPage } from './helpers.js';

useCleanPage();

describe('an embedded panel and the policy answer', () => {
  it('shows the presence line from GET v1/policy though the panel was drawn before the answer', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    const { root } = await setup({ container });
    const line = part(root, 'presence');
    expect(line.hidden).toBe(false);
    expect(line.textContent).not.toBe('');
  });
});
