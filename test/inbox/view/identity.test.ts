/** The visitor's identity pane (src/inbox/view/identity.ts, SPEC §11): what the mapping produced, all as text. */
import { describe, expect, it } from 'vitest';
import { renderIdentity } from '../../../src/inbox/view/identity.js';
import { conversation } from '../fixtures.js';

/** The pane's rows as [term, text] pairs. */
const rows = (nodes: HTMLElement[]): [string, string][] => {
  const list = nodes.find((node) => node.tagName === 'DL')!;
  const terms = [...list.querySelectorAll('dt')];
  return terms.map((term) => [term.textContent!, (term.nextElementSibling as HTMLElement).textContent!]);
};
const tag = (nodes: HTMLElement[]): HTMLElement => nodes.find((node) => node.querySelector('.tag'))!.querySelector('.tag')!;

describe('renderIdentity', () => {
  it('asks the agent to pick a conversation when none is open', () => {
    const nodes = renderIdentity(undefined);
    expect(nodes).toHaveLength(1);
    expect([nodes[0]!.className, nodes[0]!.textContent]).toEqual(['empty', 'Pick a conversation to see who it is.']);
  });

  it('shows a signed identity: uuid, key id, expiry, mapped fields by label, custom and extra values', () => {
    const expiresAt = Date.UTC(2026, 0, 15, 10);
    const nodes = renderIdentity(conversation({
      kid: 'site_2026',
      expiresAt,
      fields: { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', avatar_url: 'https://example.com/a.png', screenname: '' },
      customFields: { plan: 'pro' },
      extraValues: { team: 'math' },
    }));
    expect(nodes.map((node) => node.tagName)).toEqual(['H2', 'P', 'DL']);
    expect([tag(nodes).className, tag(nodes).textContent]).toEqual(['tag', 'Signed identity']);
    expect(rows(nodes)).toEqual([
      ['uuid', 'user-42'],
      ['Key id', 'site_2026'],
      ['Token expires', new Date(expiresAt).toLocaleString()],
      ['First name', 'Ada'],
      ['Last name', 'Lovelace'],
      ['E-mail', 'ada@example.com'],
      ['Avatar URL', 'https://example.com/a.png'],
      ['plan', 'pro'],
      ['team', 'math'],
    ]);
    for (const value of nodes[2]!.querySelectorAll('dd')) expect(value.getAttribute('dir')).toBe('auto');
  });

  it('marks an identity that is not signed, and says what an automated or claimed uuid is', () => {
    const automated = renderIdentity(conversation({ signed: false, uuidSource: 'automated', uuid: 'b-1' }));
    expect([tag(automated).className, tag(automated).textContent]).toEqual(['tag unsigned', 'Not signed']);
    expect(rows(automated)[0]).toEqual(['uuid', 'b-1 (automated: this browser, not a person)']);
    expect(rows(renderIdentity(conversation({ signed: false, uuidSource: 'unsigned', uuid: 'me' })))[0]).toEqual(['uuid', 'me (claimed, not verified)']);
  });

  it('shows the e-mail a visitor left unless it is the identity’s own', () => {
    expect(rows(renderIdentity(conversation({ email: 'left@example.com' })))).toContainEqual(['E-mail left', 'left@example.com']);
    const same = rows(renderIdentity(conversation({ email: 'ada@example.com', fields: { email: 'ada@example.com' } })));
    expect(same.map(([term]) => term)).toEqual(['uuid', 'E-mail']);
  });

  it('links an http(s) page that opens apart, named by its title or else its URL', () => {
    const link = (url: string, title?: string) =>
      renderIdentity(conversation({ lastPage: { url, ...(title === undefined ? {} : { title }) } }))[2]!.querySelector('a');
    const titled = link('https://shop.example/cart?x=1', 'Your cart')!;
    expect([titled.getAttribute('href'), titled.getAttribute('target'), titled.getAttribute('rel'), titled.textContent])
      .toEqual(['https://shop.example/cart?x=1', '_blank', 'noopener noreferrer nofollow', 'Your cart']);
    expect(link('http://shop.example')!.textContent).toBe('http://shop.example/');
    expect(link('http://shop.example', '')!.textContent).toBe('http://shop.example/');
  });

  it('keeps any other page address as text, never a link', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'not a url']) {
      const nodes = renderIdentity(conversation({ lastPage: { url } }));
      expect(nodes[2]!.querySelector('a')).toBeNull();
      expect(rows(nodes)).toContainEqual(['Page', url]);
    }
  });

  it('lists the mapping’s warnings with path, message and code', () => {
    const nodes = renderIdentity(conversation({ warnings: [{ code: 'W_FIELD_DROPPED', path: 'payload.email', message: 'not an e-mail' }] }));
    expect(nodes.map((node) => node.tagName)).toEqual(['H2', 'P', 'DL', 'H3', 'UL']);
    const item = nodes[4]!.querySelector('li')!;
    expect([item.className, item.textContent]).toEqual(['warning', 'payload.email: not an e-mail (W_FIELD_DROPPED)']);
  });

  it('renders every value as text: markup in a field stays characters', () => {
    const nodes = renderIdentity(conversation({ fields: { firstname: '<img src=x onerror=alert(1)>' }, customFields: { '<b>k</b>': '<i>v</i>' } }));
    expect(nodes[2]!.querySelector('img, b, i')).toBeNull();
    expect(rows(nodes)).toContainEqual(['First name', '<img src=x onerror=alert(1)>']);
    expect(rows(nodes)).toContainEqual(['<b>k</b>', '<i>v</i>']);
  });
});
