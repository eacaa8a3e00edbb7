/** ui/mount.ts: the configuration's look (`position`, `theme`) and unread options become the element's attributes (SPEC §10). */
import { afterEach, expect, it } from 'vitest';
import { mountElement } from '../../../src/client/ui/mount.js';

afterEach(() => document.body.replaceChildren());

it('position, theme, preview and titleAlert become attributes; what was not given is left alone', () => {
  const view = document.createElement('div');
  mountElement(view, { position: 'left', theme: 'dark', preview: false, titleAlert: true });
  expect(view.parentNode).toBe(document.body);
  expect(['position', 'theme', 'preview', 'titlealert'].map((name) => view.getAttribute(name))).toEqual(['left', 'dark', 'false', 'true']);
  mountElement(view, { theme: 'light' });
  expect(['position', 'theme', 'preview', 'titlealert'].map((name) => view.getAttribute(name))).toEqual(['left', 'light', 'false', 'true']);
});
