import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

interface Release {
  id: number;
  tag_name: string;
  name: string;
  body: string;
  prerelease: boolean;
  assets: { name: string; size: number; content_type: string; data: Buffer }[];
}

/**
 * GitHub's releases REST API, as far as lanes uses it, on loopback: it
 * answers like api.github.com and records every request so tests can assert
 * the exact endpoint, headers and body. `failUploads` makes the n-th upload
 * fail with a 500, as an interrupted release would see.
 */
export async function startFakeGitHub(opts: { token: string; failUploadNumber?: number; canPush?: boolean; existingReleases?: string[] }) {
  const requests: RecordedRequest[] = [];
  const releases = new Map<string, Release>();
  let uploads = 0;
  let base = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url!, base);
      requests.push({ method: req.method!, path: url.pathname + url.search, headers: req.headers, body });
      const send = (status: number, json?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(json === undefined ? '' : JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, { message: 'Bad credentials' });
      const view = (r: Release) => ({
        id: r.id,
        tag_name: r.tag_name,
        html_url: `https://github.com/o/r/releases/tag/${r.tag_name}`,
        upload_url: `${base}/uploads/repos/${repoOf(url.pathname)}/releases/${r.id}/assets{?name,label}`,
        assets: r.assets.map((a) => ({ name: a.name, size: a.size, digest: `sha256:${createHash('sha256').update(a.data).digest('hex')}` })),
      });
      let m: RegExpExecArray | null;
      // A user token's view of the repository: what it may do is under `permissions`.
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+\/[^/]+)$/.exec(url.pathname))) {
        return send(200, { full_name: m[1], private: true, permissions: { admin: false, maintain: false, push: opts.canPush ?? true, triage: true, pull: true } });
      }
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+\/[^/]+)\/releases\/tags\/(.+)$/.exec(url.pathname))) {
        const r = releases.get(decodeURIComponent(m[2]!));
        return r ? send(200, view(r)) : send(404, { message: 'Not Found' });
      }
      if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/releases$/.test(url.pathname)) {
        const input = JSON.parse(body.toString()) as { tag_name: string; name: string; body: string; prerelease: boolean };
        if (releases.has(input.tag_name)) return send(422, { message: 'Validation Failed', errors: [{ code: 'already_exists' }] });
        const r: Release = { id: releases.size + 1, tag_name: input.tag_name, name: input.name, body: input.body, prerelease: input.prerelease, assets: [] };
        releases.set(r.tag_name, r);
        return send(201, view(r));
      }
      if (req.method === 'POST' && (m = /^\/uploads\/repos\/[^/]+\/[^/]+\/releases\/(\d+)\/assets$/.exec(url.pathname))) {
        uploads++;
        if (uploads === opts.failUploadNumber) return send(500, { message: 'Server Error' });
        const r = [...releases.values()].find((x) => x.id === Number(m![1]));
        const name = url.searchParams.get('name')!;
        if (!r) return send(404, { message: 'Not Found' });
        if (r.assets.some((a) => a.name === name)) return send(422, { message: 'Validation Failed', errors: [{ code: 'already_exists' }] });
        r.assets.push({ name, size: body.length, content_type: String(req.headers['content-type']), data: body });
        return send(201, { name, size: body.length });
      }
      send(404, { message: `no fake for ${req.method} ${url.pathname}` });
    });
  });
  for (const tag of opts.existingReleases ?? []) releases.set(tag, { id: releases.size + 1, tag_name: tag, name: tag, body: '', prerelease: false, assets: [] });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, requests, releases, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function repoOf(path: string): string {
  return /^\/repos\/([^/]+\/[^/]+)\//.exec(path)?.[1] ?? 'o/r';
}
