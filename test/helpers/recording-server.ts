import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request, read whole, with a way to answer it in JSON. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Buffer;
  /** Answers with `status` and `json` (no body when undefined). */
  send: (status: number, json?: unknown) => void;
}

/**
 * A loopback HTTP server for an API stand-in: it reads each request whole,
 * records it (method, path, headers, body) for tests to assert the exact
 * requests, and hands it to `handle`. `recordQuery` keeps the query string
 * in the recorded path.
 */
export async function startRecordingServer(handle: (x: Exchange) => void, opts: { recordQuery?: boolean } = {}) {
  const requests: RecordedRequest[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url!, base);
      requests.push({ method: req.method!, path: opts.recordQuery ? url.pathname + url.search : url.pathname, headers: req.headers, body });
      const send = (status: number, json?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(json === undefined ? '' : JSON.stringify(json));
      };
      handle({ req, res, url, body, send });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}
