/**
 * The few members of Express 5 the framework tests use (the package ships no
 * types and @types/express is not a dependency).
 */
declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  namespace express {
    type Request = IncomingMessage & { body?: unknown; originalUrl: string };
    type Response = ServerResponse & { json(value: unknown): Response };
    type NextFunction = (error?: unknown) => void;
    type RequestHandler = (req: Request, res: Response, next: NextFunction) => void;
    interface Express {
      (req: IncomingMessage, res: ServerResponse): void;
      use(handler: RequestHandler): Express;
      use(path: string, handler: RequestHandler): Express;
      post(path: string, handler: RequestHandler): Express;
      all(path: string, handler: RequestHandler): Express;
      listen(port: number, host: string, callback: () => void): Server;
    }
    interface ParserOptions {
      type?: string;
      limit?: string | number;
    }
  }

  interface ExpressFactory {
    (): express.Express;
    json(options?: express.ParserOptions): express.RequestHandler;
    text(options?: express.ParserOptions): express.RequestHandler;
    raw(options?: express.ParserOptions): express.RequestHandler;
  }

  const express: ExpressFactory;
  export default express;
}
