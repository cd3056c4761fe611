import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { createConnection, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';

/** What the registry proxy does with one request: forward it, answer with a status, or drop the connection. */
export type RegistryFault = { status: number } | 'reset' | undefined;

/**
 * A plain-HTTP proxy on loopback in front of the real TLS registry whose
 * faults can be switched while a release runs: `rule` decides per request
 * (method and path), so a test can fail only manifest uploads, or only
 * look-ups, and then heal the registry (`rule = () => undefined`) for the
 * rerun. Image references name the proxy's address, which stays the same
 * for the proxy's life.
 */
export async function startRegistrySwitch(upstream: string, caFile: string) {
  const [host, port] = upstream.split(':');
  const ca = readFileSync(caFile);
  const log: { method: string; path: string; outcome: string }[] = [];
  const state = { rule: (_method: string, _path: string): RegistryFault => undefined };
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const entry = { method: req.method!, path: req.url!, outcome: '' };
    log.push(entry);
    const fault = state.rule(req.method!, req.url!);
    if (fault === 'reset') {
      entry.outcome = 'reset';
      req.socket.destroy();
      return;
    }
    if (fault) {
      entry.outcome = String(fault.status);
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'fault injected by the test' }] }));
      return;
    }
    const up = httpsRequest({ host, port: Number(port), servername: host, method: req.method, path: req.url, headers: { ...req.headers, host: upstream }, ca }, (upRes) => {
      entry.outcome = String(upRes.statusCode);
      // Upload locations name the registry itself: point them back at the proxy, or pushes would go around it.
      const location = upRes.headers.location;
      if (location) upRes.headers.location = location.replace(`https://${upstream}`, `http://${req.headers.host}`);
      res.writeHead(upRes.statusCode!, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', (e) => {
      entry.outcome = `upstream error ${e.message}`;
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    set rule(fn: (method: string, path: string) => RegistryFault) {
      state.rule = fn;
    },
    /** Forward everything from now on. */
    heal() {
      state.rule = () => undefined;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * A TCP port that forwards to `target` while up, and refuses connections
 * (nothing listens; open connections are cut) while down: a server that is
 * down, then up again at the same address.
 */
export async function startTcpGate(target: string) {
  const [thost, tport] = target.replace(/^https?:\/\//, '').split(':');
  const sockets = new Set<Socket>();
  let server: ReturnType<typeof createTcpServer> | undefined;
  let port = 0;
  const listen = async () => {
    const s = createTcpServer((client) => {
      const upstream = createConnection({ host: thost, port: Number(tport) });
      for (const x of [client, upstream]) {
        sockets.add(x);
        x.on('close', () => sockets.delete(x));
        x.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const down = async () => {
    const s = server;
    server = undefined;
    for (const x of sockets) x.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    down,
    /** Listening again on the same port. */
    up: () => (server ? Promise.resolve() : listen()),
    close: down,
  };
}

/** Tags of one repository in the test registry (the distribution API), sorted; [] when it has none. */
export async function registryTags(registry: string, repo: string, user: string, password: string, caFile: string): Promise<string[]> {
  const [host, port] = registry.split(':');
  const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpsRequest(
      { host, port: Number(port ?? 443), servername: host, path: `/v2/${repo}/tags/list`, ca: readFileSync(caFile), headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`tags/list of ${repo} timed out`)));
    req.end();
  });
  if (body.status === 404) return [];
  if (body.status !== 200) throw new Error(`GET /v2/${repo}/tags/list answered HTTP ${body.status}: ${body.text.slice(0, 200)}`);
  return ((JSON.parse(body.text).tags ?? []) as string[]).sort();
}
