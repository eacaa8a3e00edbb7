/**
 * `chatq/inbox`: the agent inbox as a custom element (SPEC §11). Importing it
 * registers `<chatq-inbox>`; give it the handler's base URL:
 *
 *   <chatq-inbox server="/chatq"></chatq-inbox>
 *
 * It signs in with the agent cookie of `{base}/agent/v1/session` (the served
 * inbox at `{base}/inbox/` does this) or the integrator's `authenticateAgent`.
 */
import { ChatqInboxElement } from './element.js';

export { ChatqInboxElement };

if (!customElements.get('chatq-inbox')) customElements.define('chatq-inbox', ChatqInboxElement);
