/**
 * A real HTTP receiver for webhook tests: node:http on a free 127.0.0.1 port,
 * verifying every delivery with the `standardwebhooks` package (an
 * independent implementation of the format), and answering what the test
 * scripts: fail the first N, 410, redirect, hang.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  data: { conversationId: string; seq: number; message?: { body: string; author: string }; [key: string]: unknown };
  /** Whether standardwebhooks verified it with the receiver's secret. */
  verified: boolean;
}

export type Answer = number | 'hang' | { redirect: string };

export interface Receiver {
  url: string;
  /** Every delivery that verified, in arrival order (retries of one event included). */
  received: Received[];
  /** Deliveries that did not verify (should stay 0). */
  refused: number;
  /** Requests seen, verified or not, answered or not. */
  hits: number;
  /** How to answer the next request; default 204. */
  answer: (request: Received) => Answer;
  close(): Promise<void>;
}

export async function startReceiver(secret: string): Promise<Receiver> {
  const webhook = new Webhook(secret);
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = {
    url: '',
    received: [],
    refused: 0,
    hits: 0,
    answer: () => 204,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    receiver.hits++;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let event: Received;
    try {
      const payload = webhook.verify(body, request.headers as Record<string, string>) as Omit<Received, 'id' | 'verified'>;
      event = { ...payload, id: String(request.headers['webhook-id']), verified: true };
    } catch {
      receiver.refused++;
      response.writeHead(400).end();
      return;
    }
    const answer = receiver.answer(event);
    if (answer === 'hang') {
      hanging.add(response);
      return;
    }
    if (typeof answer === 'object') {
      response.writeHead(307, { location: answer.redirect }).end();
      return;
    }
    if (answer >= 200 && answer < 300) receiver.received.push(event);
    response.writeHead(answer).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks?token=not-logged`;
  return receiver;
}

/** A fresh Standard Webhooks secret: whsec_ + base64 of 32 random bytes. */
export function newSecret(): string {
  return `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
}
