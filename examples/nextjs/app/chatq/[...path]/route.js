// Every chatq request (/chatq/loader.js, /chatq/v1/…, /chatq/agent/…) goes to the handler.
import { chatq } from '../../../lib/chatq.js';

export const dynamic = 'force-dynamic';

function serve(request) {
  return chatq()(request);
}

export { serve as GET, serve as HEAD, serve as POST, serve as DELETE, serve as OPTIONS };
