import type { Call, HandlerContext } from '../context.js';
import { jsonReply, type Reply } from '../http/reply.js';
export async function openApiDocument(_ctx: HandlerContext, _call: Call): Promise<Reply> { return jsonReply(200, {}); }
