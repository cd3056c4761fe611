import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export type Fault = { status: number; retryAfter?: string } | 'reset';

export interface ProxyLogEntry {
  method: string;
  path: string;
  at: number;
  /** What the proxy did: a fault, or the upstream status. */
  outcome: string;
}

/**
 * A plain-HTTP proxy on loopback in front of the real TLS registry. The
 * first requests get the given faults (an HTTP status, or a dropped
 * connection); everything after is forwarded. It logs every request and
 * how many were in flight at once.
 */
export async function startFaultProxy(upstream: string, caFile: string, faults: Fault[] = []) {
  const [host, port] = upstream.split(':');
  const ca = readFileSync(caFile);
  const log: ProxyLogEntry[] = [];
  const queue = [...faults];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const entry: ProxyLogEntry = { method: req.method!, path: req.url!, at: performance.now(), outcome: '' };
    log.push(entry);
    const fault = queue.shift();
    if (fault === 'reset') {
      entry.outcome = 'reset';
      req.socket.destroy();
      return;
    }
    if (fault) {
      entry.outcome = String(fault.status);
      res.writeHead(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      res.end();
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const up = httpsRequest({ host, port: Number(port), servername: host, method: req.method, path: req.url, headers: { ...req.headers, host: upstream }, ca }, (upRes) => {
      entry.outcome = String(upRes.statusCode);
      res.writeHead(upRes.statusCode!, upRes.headers);
      upRes.pipe(res).on('finish', () => inFlight--);
    });
    up.on('error', (e) => {
      inFlight--;
      entry.outcome = `upstream error ${e.message}`;
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    maxInFlight: () => maxInFlight,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
