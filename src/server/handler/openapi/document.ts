import { PROTOCOL_VERSION } from '../../../identity/index.js';
import { SCHEMAS } from './components.js';
import { PATHS } from './operations.js';
import { ERROR_RESPONSES } from './responses.js';

/**
 * The OpenAPI 3.1 document of the handler's HTTP API and stream events
 * (SPEC §11 "The contract"), served at `{base}/openapi.json`. Built from the
 * typed sources beside it, never a copied file: the paths come from
 * src/identity/wire.ts, the schemas are checked against src/identity/protocol.ts.
 */
export function openApiDocument(basePath: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'chatq messaging API',
      version: String(PROTOCOL_VERSION),
      description:
        'The visitor API (the widget’s; `Authorization: Bearer <session>`) and the agent API (`Authorization: Bearer <agent token>`, or the integrator’s `authenticateAgent`). Every error is `{ "error": { "code", "message" } }`. Stream events: the `x-sse-events` schema of each stream.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: basePath === '' ? '/' : basePath }],
    paths: PATHS,
    components: {
      schemas: SCHEMAS,
      responses: ERROR_RESPONSES,
      securitySchemes: {
        session: { type: 'http', scheme: 'bearer', description: 'The session from POST /v1/identity (never the JWT).' },
        agentToken: { type: 'http', scheme: 'bearer', description: 'An agent’s token (`agents[].token` or `agentToken`); `authenticateAgent` may sign agents in otherwise.' },
        agentCookie: { type: 'apiKey', in: 'cookie', name: 'chatq_agent', description: 'The inbox’s HttpOnly cookie from POST /agent/v1/session, taken only from the chat server’s own pages.' },
      },
    },
  };
}
