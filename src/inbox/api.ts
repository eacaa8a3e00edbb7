import type {
  AgentConversationResponse,
  AgentConversationsResponse,
  AgentMeResponse,
  AgentMessagesResponse,
  AgentStatus,
  AgentStreamEvent,
  ErrorBody,
  SendMessageResponse,
} from '../identity/index.js';
import { AGENT_PATHS, agentConversationPath, OPTIONAL_AGENT_STREAM_EVENTS, STREAM_EVENTS_PARAM, type ConversationAction } from '../identity/wire.js';
import { createSseParser } from '../client/transport/sse.js';

/** An answer the inbox shows: the server's code and its sentence (what happened, what to do). */
export class InboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The filters of the list (SPEC §11): open, closed or mine, and a search by uuid, name or e-mail. */
export interface ListQuery {
  view: 'open' | 'closed' | 'mine' | 'all';
  q: string;
  cursor?: string;
}

/**
 * The agent API as the inbox uses it: same-origin requests carrying the
 * agent cookie (HttpOnly: the inbox never sees the credential) or the
 * integrator's own sign-in (`authenticateAgent`). Every answer that is not
 * 2xx becomes an InboxError with the server's code.
 */
export class InboxApi {
  constructor(private readonly base: string) {}

  me(): Promise<AgentMeResponse> {
    return this.json('GET', AGENT_PATHS.me);
  }

  /** Exchanges an agent token for the HttpOnly cookie; the token is not kept. */
  signIn(token: string): Promise<unknown> {
    return this.json('POST', AGENT_PATHS.session, { token });
  }

  signOut(): Promise<unknown> {
    return this.json('DELETE', AGENT_PATHS.session);
  }

  list(query: ListQuery, limit = 50): Promise<AgentConversationsResponse> {
    const params = new URLSearchParams({ limit: String(limit) });
    if (query.view !== 'all') params.set(query.view === 'mine' ? 'assignee' : 'status', query.view === 'mine' ? 'me' : query.view);
    if (query.q) params.set('q', query.q);
    if (query.cursor) params.set('cursor', query.cursor);
    return this.json('GET', `${AGENT_PATHS.conversations}?${params}`);
  }

  messages(conversationId: string, before?: number): Promise<AgentMessagesResponse> {
    const query = before === undefined ? '' : `?before=${before}`;
    return this.json('GET', agentConversationPath(conversationId, 'messages') + query);
  }

  reply(conversationId: string, body: string, clientId: string): Promise<SendMessageResponse> {
    return this.json('POST', agentConversationPath(conversationId, 'messages'), { body, clientId });
  }

  act(conversationId: string, action: Exclude<ConversationAction, 'messages' | 'typing'>, body: object = {}): Promise<AgentConversationResponse> {
    return this.json('POST', agentConversationPath(conversationId, action), body);
  }

  typing(conversationId: string): Promise<unknown> {
    return this.json('POST', agentConversationPath(conversationId, 'typing'), {});
  }

  setStatus(status: AgentStatus): Promise<unknown> {
    return this.json('POST', AGENT_PATHS.status, { status });
  }

  /**
   * The live agent stream, reconnecting with backoff; `onState` says whether
   * it is connected. A 401 stops it (signed out elsewhere). Returns the close.
   */
  stream(onEvent: (event: AgentStreamEvent) => void, onState: (connected: boolean, error?: InboxError) => void): () => void {
    let closed = false;
    let attempt = 0;
    let controller: AbortController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async (): Promise<void> => {
      controller = new AbortController();
      try {
        // The inbox shows typing and presence: it asks for them (streams send optional events only on request).
        const url = `${this.base}${AGENT_PATHS.stream}?${STREAM_EVENTS_PARAM}=${OPTIONAL_AGENT_STREAM_EVENTS.join(',')}`;
        const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/event-stream' }, signal: controller.signal });
        if (!response.ok || !response.body) {
          const error = await toError(response);
          if (response.status === 401 || response.status === 403) {
            closed = true;
            onState(false, error);
            return;
          }
          throw error;
        }
        onState(true);
        attempt = 0;
        const parser = createSseParser(({ event, data }) => {
          try {
            const parsed = JSON.parse(data) as AgentStreamEvent;
            if (parsed.type === event) onEvent(parsed);
          } catch {
            // Not JSON: skip this event, keep the stream.
          }
        });
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done || closed) break;
          parser.push(decoder.decode(value, { stream: true }));
        }
      } catch {
        // Network error or aborted: reconnect below.
      }
      if (closed) return;
      onState(false);
      timer = setTimeout(() => void connect(), Math.min(30_000, 1000 * 2 ** attempt++) * (0.5 + Math.random() / 2));
    };
    void connect();
    return () => {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
    };
  }

  private async json<T>(method: string, path: string, body?: object): Promise<T> {
    const response = await fetch(this.base + path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await toError(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}


async function toError(response: Response): Promise<InboxError> {
  try {
    const { error } = (await response.json()) as ErrorBody;
    return new InboxError(response.status, error.code, error.message);
  } catch {
    return new InboxError(response.status, 'ERR_NETWORK', `The chat server answered ${response.status}.`);
  }
}
