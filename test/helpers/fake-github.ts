import { createHash } from 'node:crypto';
import { startRecordingServer } from './recording-server.js';

export type { RecordedRequest } from './recording-server.js';

interface Release {
  id: number;
  draft: boolean;
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
 *
 * Drafts behave as on GitHub: several drafts may carry one tag; a draft has
 * no by-tag address (GET /releases/tags/{tag} finds published releases only)
 * and shows only in the release list (newest first, to tokens with push
 * access); a tag has at most one published release, so creating or
 * publishing a second is refused with 422 already_exists. `releases` holds
 * the published releases by tag, `drafts` the rest. `publishRefusal` is
 * the 422 body GitHub answers a publish with for some other reason.
 */
export async function startFakeGitHub(opts: { token: string; failUploadNumber?: number; canPush?: boolean; existingReleases?: string[]; publishRefusal?: unknown }) {
  const releases = new Map<string, Release>();
  const drafts: Release[] = [];
  let uploads = 0;
  let lastId = 0;
  const server = await startRecordingServer(
    ({ req, res, url, body, send }) => {
      if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, { message: 'Bad credentials' });
      const view = (r: Release) => ({
        id: r.id,
        draft: r.draft,
        tag_name: r.tag_name,
        html_url: `https://github.com/o/r/releases/tag/${r.tag_name}`,
        upload_url: `${url.origin}/uploads/repos/${repoOf(url.pathname)}/releases/${r.id}/assets{?name,label}`,
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
      if (req.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/releases$/.test(url.pathname)) {
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
        const page = Number(url.searchParams.get('page') ?? 1);
        const visible = [...(opts.canPush ?? true ? drafts : []), ...releases.values()].sort((a, b) => b.id - a.id);
        return send(200, visible.slice((page - 1) * perPage, page * perPage).map(view));
      }
      const alreadyExists = () => send(422, { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] });
      if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/releases$/.test(url.pathname)) {
        const input = JSON.parse(body.toString()) as { tag_name: string; name: string; body: string; draft?: boolean; prerelease: boolean };
        if (releases.has(input.tag_name)) return alreadyExists();
        const r: Release = { id: ++lastId, draft: input.draft === true, tag_name: input.tag_name, name: input.name, body: input.body, prerelease: input.prerelease, assets: [] };
        if (r.draft) drafts.push(r);
        else releases.set(r.tag_name, r);
        return send(201, view(r));
      }
      if (req.method === 'PATCH' && (m = /^\/repos\/[^/]+\/[^/]+\/releases\/(\d+)$/.exec(url.pathname))) {
        const input = JSON.parse(body.toString()) as { draft?: boolean };
        const at = drafts.findIndex((x) => x.id === Number(m![1]));
        const r = at === -1 ? [...releases.values()].find((x) => x.id === Number(m![1])) : drafts[at];
        if (!r) return send(404, { message: 'Not Found' });
        if (r.draft && input.draft === false) {
          if (releases.has(r.tag_name)) return alreadyExists();
          if (opts.publishRefusal) return send(422, opts.publishRefusal);
          drafts.splice(at, 1);
          r.draft = false;
          releases.set(r.tag_name, r);
        }
        return send(200, view(r));
      }
      if (req.method === 'DELETE' && (m = /^\/repos\/[^/]+\/[^/]+\/releases\/(\d+)$/.exec(url.pathname))) {
        const at = drafts.findIndex((x) => x.id === Number(m![1]));
        if (at !== -1) drafts.splice(at, 1);
        else {
          const r = [...releases.values()].find((x) => x.id === Number(m![1]));
          if (!r) return send(404, { message: 'Not Found' });
          releases.delete(r.tag_name);
        }
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'POST' && (m = /^\/uploads\/repos\/[^/]+\/[^/]+\/releases\/(\d+)\/assets$/.exec(url.pathname))) {
        uploads++;
        if (uploads === opts.failUploadNumber) return send(500, { message: 'Server Error' });
        const r = [...drafts, ...releases.values()].find((x) => x.id === Number(m![1]));
        const name = url.searchParams.get('name')!;
        if (!r) return send(404, { message: 'Not Found' });
        if (r.assets.some((a) => a.name === name)) return send(422, { message: 'Validation Failed', errors: [{ code: 'already_exists' }] });
        r.assets.push({ name, size: body.length, content_type: String(req.headers['content-type']), data: body });
        return send(201, { name, size: body.length });
      }
      send(404, { message: `no fake for ${req.method} ${url.pathname}` });
    },
    { recordQuery: true },
  );
  for (const tag of opts.existingReleases ?? []) releases.set(tag, { id: ++lastId, draft: false, tag_name: tag, name: tag, body: '', prerelease: false, assets: [] });
  return { url: server.base, requests: server.requests, releases, drafts, close: server.close };
}

function repoOf(path: string): string {
  return /^\/repos\/([^/]+\/[^/]+)\//.exec(path)?.[1] ?? 'o/r';
}
