import { h } from '../../client/ui/dom.js';
import { visitorName, type InboxModel } from '../model.js';
import { shortTime } from './format.js';

/** A row as last drawn: its element and what it showed (redrawn only when that changes). */
interface Row {
  readonly li: HTMLElement;
  readonly button: HTMLElement;
  drawn: string;
}

/** The rows of each list container, by conversation id. */
const drawnRows = new WeakMap<HTMLElement, { list: HTMLElement; rows: Map<string, Row> }>();

/**
 * Draws the conversation list into `container` (the tools above it are built once by the element).
 * Rows are kept per conversation and only their contents change: a live list that re-rendered
 * every row on each event took the focus (and the click) away from the agent's row.
 */
export function renderList(model: InboxModel, now: number, container: HTMLElement): void {
  if (model.order.length === 0) {
    drawnRows.delete(container);
    container.replaceChildren(h('p', { class: 'empty' }, model.query.q ? 'No conversation matches this search.' : 'No conversations here yet.'));
    return;
  }
  let drawn = drawnRows.get(container);
  if (!drawn || drawn.list.parentNode !== container) {
    drawn = { list: h('ul', { 'aria-label': 'Conversations' }), rows: new Map() };
    drawnRows.set(container, drawn);
    container.replaceChildren(drawn.list);
  }
  const { list, rows } = drawn;
  const shown = new Set(model.order);
  for (const [id, row] of rows) {
    if (!shown.has(id)) {
      row.li.remove();
      rows.delete(id);
    }
  }
  let next: ChildNode | null = list.firstChild;
  for (const id of model.order) {
    const row = drawRow(model, id, now, rows);
    if (row.li === next) next = next.nextSibling;
    else list.insertBefore(row.li, next);
  }
}

function drawRow(model: InboxModel, id: string, now: number, rows: Map<string, Row>): Row {
  const conversation = model.conversations.get(id)!;
  const preview = model.previews.get(id);
  const typing = model.typingIn(id, now);
  const who = visitorName(conversation);
  const unread = conversation.unread ? String(conversation.unread) : '';
  const text = typing ? `${typing === 'visitor' ? 'Visitor' : typing} is typing…` : (preview?.body ?? conversation.lastPage?.title ?? conversation.email ?? conversation.fields.email ?? conversation.uuid);
  const meta = [shortTime(conversation.updatedAt, now), conversation.status === 'closed' ? 'closed' : '', model.agentName(conversation.assignee) ?? ''].filter(Boolean).join(' · ');
  let row = rows.get(id);
  if (!row) {
    const button = h('button', { class: 'item', type: 'button', 'data-id': id });
    row = { li: h('li', {}, button), button, drawn: '' };
    rows.set(id, row);
  }
  row.button.setAttribute('aria-current', String(model.selected === id));
  const drawn = JSON.stringify([who, unread, text, meta]);
  if (row.drawn !== drawn) {
    row.drawn = drawn;
    row.button.replaceChildren(
      h('span', { class: 'who', dir: 'auto' }, who),
      unread ? h('span', { class: 'badge' }, unread, h('span', { class: 'sr' }, ' unread')) : h('span'),
      h('span', { class: 'preview', dir: 'auto' }, text),
      h('span', { class: 'meta' }, meta),
    );
  }
  return row;
}
