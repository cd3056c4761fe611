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
export interface BearerAuth {
  /** Credentials the token endpoint accepts (Basic). */
  username: string;
  password: string;
  /** Credentials the proxy itself uses upstream. */
  upstreamAuthorization: string;
}

/**
 * With `bearer`, the proxy speaks the token-auth flow of Docker Hub and the
 * cloud registries: 401 with a Bearer challenge naming a realm, service and
 * scope; a token endpoint (/token) that checks Basic credentials; and only
 * requests with that token are forwarded (upstream with the proxy's own
 * credentials).
 */
export async function startFaultProxy(upstream: string, caFile: string, faults: Fault[] = [], bearer?: BearerAuth) {
  const [host, port] = upstream.split(':');
  const ca = readFileSync(caFile);
  const log: ProxyLogEntry[] = [];
  const tokenRequests: { authorization?: string; service?: string; scope?: string }[] = [];
  const issued = new Map<string, string>(); // token -> scope
  const queue = [...faults];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const entry: ProxyLogEntry = { method: req.method!, path: req.url!, at: performance.now(), outcome: '' };
    log.push(entry);
    if (bearer && req.url!.startsWith('/token')) {
      const url = new URL(req.url!, 'http://proxy');
      tokenRequests.push({ authorization: req.headers.authorization, service: url.searchParams.get('service') ?? undefined, scope: url.searchParams.get('scope') ?? undefined });
      entry.outcome = 'token';
      if (req.headers.authorization !== `Basic ${Buffer.from(`${bearer.username}:${bearer.password}`).toString('base64')}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      const token = `tok-${issued.size + 1}`;
      issued.set(token, url.searchParams.get('scope') ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    if (bearer && req.url!.startsWith('/v2/')) {
      const repo = /^\/v2\/(.+)\/(manifests|blobs)\//.exec(req.url!)?.[1];
      const scope = `repository:${repo}:pull`;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || issued.get(token) !== scope) {
        entry.outcome = '401 bearer';
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="lanes-test-registry",scope="${scope}"` }).end();
        return;
      }
      req.headers.authorization = bearer.upstreamAuthorization;
    }
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
    tokenRequests,
    maxInFlight: () => maxInFlight,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
