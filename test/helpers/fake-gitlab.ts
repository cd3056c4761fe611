import { startRecordingServer } from './recording-server.js';

interface Release {
  tag_name: string;
  name: string;
  description: string;
  links: { id: number; name: string; url: string; link_type: string }[];
}

/**
 * GitLab's Releases, Release links and generic packages APIs, as far as lanes
 * uses them, on loopback under /api/v4. It records every request and refuses
 * what gitlab.com refuses: a missing or wrong token (401), a job token reading
 * the project itself (404, as job tokens cannot), a second release of a tag
 * (409), a release without tag_name (400), a link to a package that was never
 * uploaded (400), a role below Developer (403).
 */
export async function startFakeGitLab(opts: { project: string; token?: string; jobToken?: string; accessLevel?: number; existingReleases?: string[] }) {
  const releases = new Map<string, Release>();
  const packages = new Map<string, Buffer>();
  const encoded = encodeURIComponent(opts.project);
  const server = await startRecordingServer(({ req, url, body, send }) => {
    const byJob = !!opts.jobToken && req.headers['job-token'] === opts.jobToken;
    const byPrivate = !!opts.token && req.headers['private-token'] === opts.token;
    if (!byJob && !byPrivate) return send(401, { message: '401 Unauthorized' });
    const level = opts.accessLevel ?? 30;
    const prefix = `/api/v4/projects/${encoded}`;
    if (!url.pathname.startsWith(prefix)) return send(404, { message: '404 Project Not Found' });
    const rest = url.pathname.slice(prefix.length);
    const view = (r: Release) => ({ tag_name: r.tag_name, name: r.name, description: r.description, assets: { links: r.links }, _links: { self: `https://gitlab.example/${opts.project}/-/releases/${encodeURIComponent(r.tag_name)}` } });
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && rest === '') {
      if (byJob) return send(404, { message: '404 Project Not Found' });
      return send(200, { id: 7, path_with_namespace: opts.project, permissions: { project_access: { access_level: level, notification_level: 3 }, group_access: null } });
    }
    if (req.method === 'GET' && (m = /^\/releases\/([^/]+)$/.exec(rest))) {
      const r = releases.get(decodeURIComponent(m[1]!));
      return r ? send(200, view(r)) : send(404, { message: '404 Not Found' });
    }
    if (level < 30) return send(403, { message: '403 Forbidden' });
    if (req.method === 'PUT' && (m = /^\/packages\/generic\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(rest))) {
      packages.set(`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}/${decodeURIComponent(m[3]!)}`, body);
      return send(201, { message: '201 Created' });
    }
    const linkOk = (l: { url?: string }) => !!l.url && packages.has(l.url.replace(/^.*\/packages\/generic\//, '').split('/').map(decodeURIComponent).join('/'));
    if (req.method === 'POST' && rest === '/releases') {
      const input = JSON.parse(body.toString()) as { tag_name?: string; name?: string; description?: string; assets?: { links?: { name: string; url: string; link_type: string }[] } };
      if (!input.tag_name) return send(400, { message: 'tag_name is missing' });
      if (releases.has(input.tag_name)) return send(409, { message: 'Release already exists' });
      const links = input.assets?.links ?? [];
      if (!links.every(linkOk)) return send(400, { message: 'link url points at no uploaded package' });
      const r: Release = { tag_name: input.tag_name, name: input.name ?? input.tag_name, description: input.description ?? '', links: links.map((l, i) => ({ id: i + 1, ...l })) };
      releases.set(r.tag_name, r);
      return send(201, view(r));
    }
    if (req.method === 'POST' && (m = /^\/releases\/([^/]+)\/assets\/links$/.exec(rest))) {
      const r = releases.get(decodeURIComponent(m[1]!));
      if (!r) return send(404, { message: '404 Not Found' });
      const link = JSON.parse(body.toString()) as { name: string; url: string; link_type: string };
      if (!linkOk(link)) return send(400, { message: 'link url points at no uploaded package' });
      if (r.links.some((l) => l.name === link.name)) return send(400, { message: 'name has already been taken' });
      r.links.push({ id: r.links.length + 1, ...link });
      return send(201, { id: r.links.length, ...link });
    }
    send(404, { message: `no fake for ${req.method} ${url.pathname}` });
  });
  for (const tag of opts.existingReleases ?? []) releases.set(tag, { tag_name: tag, name: tag, description: '', links: [] });
  return { apiUrl: `${server.base}/api/v4`, requests: server.requests, releases, packages, close: server.close };
}
