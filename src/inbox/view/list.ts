import { h } from '../../client/ui/dom.js';
import { visitorName, type InboxModel } from '../model.js';
import { shortTime } from './format.js';

/** The conversation list's rows (the tools above it are built once by the element). */
export function renderList(model: InboxModel, now: number): HTMLElement[] {
  if (model.order.length === 0) {
    return [h('p', { class: 'empty' }, model.query.q ? 'No conversation matches this search.' : 'No conversations here yet.')];
  }
  const rows = model.order.map((id) => {
    const conversation = model.conversations.get(id)!;
    const preview = model.previews.get(id);
    const typing = model.typingIn(id, now);
    const item = h(
      'button',
      { class: 'item', type: 'button', 'data-id': id, 'aria-current': String(model.selected === id) },
      h('span', { class: 'who', dir: 'auto' }, visitorName(conversation)),
      conversation.unread ? h('span', { class: 'badge' }, String(conversation.unread), h('span', { class: 'sr' }, ' unread')) : h('span'),
      h('span', { class: 'preview', dir: 'auto' }, typing ? `${typing === 'visitor' ? 'Visitor' : typing} is typing…` : (preview?.body ?? conversation.lastPage?.title ?? conversation.email ?? conversation.fields.email ?? conversation.uuid)),
      h('span', { class: 'meta' }, [shortTime(conversation.updatedAt, now), conversation.status === 'closed' ? 'closed' : '', model.agentName(conversation.assignee) ?? ''].filter(Boolean).join(' · ')),
    );
    return h('li', {}, item);
  });
  return [h('ul', { 'aria-label': 'Conversations' }, ...rows)];
}
