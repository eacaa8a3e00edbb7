import type { AgentConversationSummary, ChatMessage } from '../../identity/index.js';
import { h } from '../../client/ui/dom.js';
import type { Thread } from '../model.js';
import { shortTime } from './format.js';

/** A reply on its way: shown at once, marked until the server has it (retried with the same clientId). */
export interface PendingReply {
  clientId: string;
  body: string;
  state: 'sending' | 'failed';
  error?: string;
}

/** The messages of the open conversation, oldest first, with "Seen" under the last reply the visitor has read. */
export function renderMessages(conversation: AgentConversationSummary, thread: Thread, pending: readonly PendingReply[], now: number): HTMLElement[] {
  const nodes: HTMLElement[] = [];
  if (thread.more) nodes.push(h('button', { type: 'button', class: 'older' }, thread.loading ? 'Loading…' : 'Load earlier messages'));
  const lastAgent = [...thread.messages].reverse().find((message) => message.author === 'agent');
  for (const message of thread.messages) {
    const node = messageNode(message, now);
    if (message === lastAgent && conversation.visitorReadSeq >= message.seq) node.append(h('span', { class: 'seen' }, 'Seen'));
    nodes.push(node);
  }
  for (const reply of pending) {
    const node = h('div', { class: 'msg', 'data-author': 'agent', 'data-state': reply.state, dir: 'auto' }, reply.body);
    node.append(
      reply.state === 'sending'
        ? h('span', { class: 'state' }, 'Sending…')
        : h('span', { class: 'state' }, `${reply.error ?? 'Not sent.'} `, h('button', { type: 'button', class: 'retry', 'data-client-id': reply.clientId }, 'Retry')),
    );
    nodes.push(node);
  }
  if (!thread.loading && thread.messages.length === 0 && pending.length === 0) nodes.push(h('p', { class: 'empty' }, 'No messages yet.'));
  return nodes;
}

function messageNode(message: ChatMessage, now: number): HTMLElement {
  const by = message.author === 'agent' ? (message.agent?.name ?? 'Agent') : message.author === 'visitor' ? 'Visitor' : '';
  return h(
    'div',
    { class: 'msg', 'data-author': message.author, 'data-seq': String(message.seq) },
    ...(by ? [h('span', { class: 'by' }, by)] : []),
    h('span', { dir: 'auto' }, message.body),
    h('time', { datetime: new Date(message.createdAt).toISOString() }, shortTime(message.createdAt, now)),
  );
}
