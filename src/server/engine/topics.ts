import type { BusEvent, BusTopic } from './types.js';

type Published = Exclude<BusEvent, { type: 'resync' }>;

/**
 * The topics an event goes to (issue 22 item 3). A conversation's visitor
 * streams hear what they show (a message, an agent typing or reading, their
 * session ending); the agent streams hear everything about every
 * conversation; every instance hears presence. One table, used by every
 * engine's bus and by the Redis append script's caller, so they cannot
 * disagree.
 */
export function topicsOf(event: Published): BusTopic[] {
  switch (event.type) {
    case 'message':
      return [{ conversationId: event.conversationId }, 'agents'];
    case 'typing':
    case 'read':
      return event.author === 'agent' ? [{ conversationId: event.conversationId }, 'agents'] : ['agents'];
    case 'conversation':
      return ['agents'];
    case 'session_ended':
      return [{ conversationId: event.conversationId }];
    case 'presence':
    case 'presence_query':
    case 'agent_status':
      return ['community'];
  }
}
