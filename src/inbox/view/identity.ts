import type { AgentConversationSummary } from '../../identity/index.js';
import { h } from '../../client/ui/dom.js';

const FIELD_LABELS: Readonly<Record<string, string>> = {
  firstname: 'First name',
  lastname: 'Last name',
  screenname: 'Screen name',
  email: 'E-mail',
  company: 'Company',
  avatar_url: 'Avatar URL',
};

/**
 * The verified identity as the community mapping produced it (SPEC §11):
 * signed or not, the key id, the uuid (an automated one marked as such),
 * mapped and custom fields, warnings, the e-mail left, the page. All text.
 */
export function renderIdentity(conversation: AgentConversationSummary | undefined): HTMLElement[] {
  if (!conversation) return [h('p', { class: 'empty' }, 'Pick a conversation to see who it is.')];
  const rows: [string, Node | string][] = [];
  const uuidNote = conversation.uuidSource === 'automated' ? ' (automated: this browser, not a person)' : conversation.uuidSource === 'unsigned' ? ' (claimed, not verified)' : '';
  rows.push(['uuid', `${conversation.uuid}${uuidNote}`]);
  if (conversation.kid) rows.push(['Key id', conversation.kid]);
  if (conversation.expiresAt) rows.push(['Token expires', new Date(conversation.expiresAt).toLocaleString()]);
  for (const [name, value] of Object.entries(conversation.fields)) if (value) rows.push([FIELD_LABELS[name] ?? name, value]);
  if (conversation.email && conversation.email !== conversation.fields.email) rows.push(['E-mail left', conversation.email]);
  for (const [name, value] of Object.entries(conversation.customFields)) rows.push([name, value]);
  for (const [name, value] of Object.entries(conversation.extraValues)) rows.push([name, value]);
  if (conversation.lastPage?.url) rows.push(['Page', pageLink(conversation.lastPage.url, conversation.lastPage.title)]);
  return [
    h('h2', {}, 'Visitor'),
    h('p', {}, h('span', { class: conversation.signed ? 'tag' : 'tag unsigned' }, conversation.signed ? 'Signed identity' : 'Not signed')),
    h('dl', {}, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', { dir: 'auto' }, value)])),
    ...(conversation.warnings.length
      ? [h('h3', {}, 'Warnings'), h('ul', {}, ...conversation.warnings.map((warning) => h('li', { class: 'warning' }, `${warning.path}: ${warning.message} (${warning.code})`)))]
      : []),
  ];
}

/** An http(s) page as a link that opens apart; any other scheme stays text. */
function pageLink(url: string, title: string | undefined): Node | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return url;
  return h('a', { href: parsed.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, title || parsed.href);
}
