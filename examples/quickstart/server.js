import { readFileSync } from 'node:fs';
import http from 'node:http';
import { toNodeListener } from 'chatq/node';
import { handler } from './chatq.js';
import { chatqToken } from './token.js';

const chatq = toNodeListener(handler);
const page = readFileSync(new URL('./index.html', import.meta.url));

http.createServer((req, res) => {
  if (req.url.startsWith('/chatq/')) return chatq(req, res); // the widget, its API, the agent API
  if (req.url === '/api/chatq-token') return chatqToken(req, res);
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
}).listen(Number(process.env.PORT ?? 3000));
