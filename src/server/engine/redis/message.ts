import type { AgentIdentity, ChatMessage } from '../../../identity/index.js';

/** A message as the script encoded it (cjson), in the memory engine's field order. */
export function readMessage(json: string): ChatMessage {
  return orderMessage(JSON.parse(json) as ChatMessage);
}

/** A decoded message rebuilt in the memory engine's field order. */
export function orderMessage(raw: ChatMessage): ChatMessage {
  return {
    id: raw.id,
    seq: raw.seq,
    ...(raw.clientId === undefined ? {} : { clientId: raw.clientId }),
    author: raw.author,
    ...(raw.agent === undefined ? {} : { agent: readAgent(raw.agent) }),
    body: raw.body,
    createdAt: raw.createdAt,
  };
}

/** cjson decodes and re-encodes the agent: rebuild it in the memory engine's field order. */
function readAgent(raw: AgentIdentity): AgentIdentity {
  return { id: raw.id, name: raw.name, ...(raw.avatarUrl === undefined ? {} : { avatarUrl: raw.avatarUrl }) };
}
