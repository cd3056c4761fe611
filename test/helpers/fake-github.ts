import { createHash } from 'node:crypto';
import { startRecordingServer } from './recording-server.js';

export type { RecordedRequest } from './recording-server.js';

interface Asset {
  id: number;
  name: string;
  size: number;
  content_type: string;
  data: Buffer;
  /** 'uploaded' once whole; 'starter' for an upload that was cut off (listed, name taken, not downloadable). */
  state: 'uploaded' | 'starter';
}

interface Release {
  id: number;
  draft: boolean;
  tag_name: string;
  name: string;
  body: string;
  prerelease: boolean;
  target_commitish?: string;
  assets: Asset[];
}

export interface FakeGitHubOptions {
  token: string;
  /** The n-th upload answers 500 and stores nothing. */
  failUploadNumber?: number;
  /** The n-th upload is cut off: the connection drops, and the asset stays listed as 'starter', as GitHub leaves it. */
  cutUploadNumber?: number;
  canPush?: boolean;
  existingReleases?: string[];
  /** Drafts present before the test (another tool's, or another run's), newest last. */
  existingDrafts?: { tag_name: string; name: string; assets?: { name: string; data: Buffer; state?: 'uploaded' | 'starter' }[] }[];
  /** The 422 body GitHub answers a publish with for some reason of its own. */
  publishRefusal?: unknown;
  /** Tags GitHub has (the repository's git database), by name. Publishing a release of a tag it lacks makes the tag at target_commitish. */
  tags?: Record<string, { commit: string; annotated?: boolean }>;
  /** An asset another run is uploading to every draft right now: listed as 'starter', back at once when deleted, its name refused to others. */
  uploadInProgress?: string;
}

/**
 * GitHub's releases REST API, as far as lanes uses it, on loopback: it
 * answers like api.github.com and records every request so tests can assert
 * the exact endpoint, headers and body.
 *
 * Drafts and assets behave as on GitHub: several drafts may carry one tag,
 * and a draft may be made for a tag that already has a published release; a
 * draft has no by-tag address (GET /releases/tags/{tag} finds published
 * releases only), its html_url is an untagged-… address, and it shows only
 * in the release list (newest first, to tokens with push access); a tag has
 * at most one published release, so publishing a second (or creating one
 * published) is refused with 422 already_exists; editing a draft without its
 * tag_name leaves it untagged. An asset's name is taken from the start of
 * its upload: an upload cut off leaves it listed as 'starter', with no
 * digest, and uploading that name again is refused (422) until the asset is
 * deleted. `releases` holds the published releases by tag, `drafts` the rest.
 */
export async function startFakeGitHub(opts: FakeGitHubOptions) {
  const releases = new Map<string, Release>();
  const drafts: Release[] = [];
  let uploads = 0;
  let lastId = 0;
  let lastAssetId = 0;
  const all = () => [...drafts, ...releases.values()];
  const tags = new Map(Object.entries(opts.tags ?? {}));
  const tagObjectSha = (name: string) => createHash('sha1').update(`tag ${name}`).digest('hex');
  /** The other run's upload, wherever it is missing: it keeps going whatever this run does. */
  const otherRunUploads = () => {
    if (!opts.uploadInProgress) return;
    for (const d of drafts) if (!d.assets.some((a) => a.name === opts.uploadInProgress)) d.assets.push({ id: ++lastAssetId, name: opts.uploadInProgress, size: 0, content_type: 'application/octet-stream', data: Buffer.alloc(0), state: 'starter' });
  };
  const server = await startRecordingServer(
    ({ req, res, url, body, send }) => {
      otherRunUploads();
      if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, { message: 'Bad credentials' });
      const view = (r: Release) => ({
        id: r.id,
        draft: r.draft,
        tag_name: r.tag_name,
        name: r.name,
        body: r.body,
        prerelease: r.prerelease,
        html_url: `https://github.com/o/r/releases/tag/${r.draft ? `untagged-${r.id}` : r.tag_name}`,
        upload_url: `${url.origin}/uploads/repos/${repoOf(url.pathname)}/releases/${r.id}/assets{?name,label}`,
        assets: r.assets.map((a) => ({ id: a.id, name: a.name, size: a.size, state: a.state, digest: a.state === 'uploaded' ? `sha256:${createHash('sha256').update(a.data).digest('hex')}` : null })),
      });
      const alreadyExists = () => send(422, { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] });
      const releaseAt = (id: string) => all().find((x) => x.id === Number(id));
      let m: RegExpExecArray | null;
      // A user token's view of the repository: what it may do is under `permissions`.
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+\/[^/]+)$/.exec(url.pathname))) {
        return send(200, { full_name: m[1], private: true, permissions: { admin: false, maintain: false, push: opts.canPush ?? true, triage: true, pull: true } });
      }
      if (req.method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/git\/ref\/tags\/(.+)$/.exec(url.pathname))) {
        const name = decodeURIComponent(m[1]!);
        const t = tags.get(name);
        if (!t) return send(404, { message: 'Not Found' });
        return send(200, { ref: `refs/tags/${name}`, object: t.annotated ? { type: 'tag', sha: tagObjectSha(name) } : { type: 'commit', sha: t.commit } });
      }
      if (req.method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/git\/tags\/([0-9a-f]+)$/.exec(url.pathname))) {
        const found = [...tags].find(([name, t]) => t.annotated && tagObjectSha(name) === m![1]);
        if (!found) return send(404, { message: 'Not Found' });
        return send(200, { sha: m[1], tag: found[0], object: { type: 'commit', sha: found[1].commit } });
      }
      if (req.method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/releases\/tags\/(.+)$/.exec(url.pathname))) {
        const r = releases.get(decodeURIComponent(m[1]!));
        return r ? send(200, view(r)) : send(404, { message: 'Not Found' });
      }
      if (req.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/releases$/.test(url.pathname)) {
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
        const page = Number(url.searchParams.get('page') ?? 1);
        const visible = [...((opts.canPush ?? true) ? drafts : []), ...releases.values()].sort((a, b) => b.id - a.id);
        return send(200, visible.slice((page - 1) * perPage, page * perPage).map(view));
      }
      if (req.method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/releases\/(\d+)$/.exec(url.pathname))) {
        const r = releaseAt(m[1]!);
        return r ? send(200, view(r)) : send(404, { message: 'Not Found' });
      }
      if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/releases$/.test(url.pathname)) {
        const input = JSON.parse(body.toString()) as { tag_name: string; target_commitish?: string; name: string; body: string; draft?: boolean; prerelease: boolean };
        const draft = input.draft === true;
        if (!draft && releases.has(input.tag_name)) return alreadyExists();
        const r: Release = { id: ++lastId, draft, tag_name: input.tag_name, target_commitish: input.target_commitish, name: input.name, body: input.body, prerelease: input.prerelease, assets: [] };
        if (draft) drafts.push(r);
        else {
          releases.set(r.tag_name, r);
          if (!tags.has(r.tag_name)) tags.set(r.tag_name, { commit: r.target_commitish ?? 'default-branch-head' });
        }
        return send(201, view(r));
      }
      if (req.method === 'PATCH' && (m = /^\/repos\/[^/]+\/[^/]+\/releases\/(\d+)$/.exec(url.pathname))) {
        const input = JSON.parse(body.toString()) as Partial<Pick<Release, 'tag_name' | 'name' | 'body' | 'prerelease' | 'draft'>>;
        const r = releaseAt(m[1]!);
        if (!r) return send(404, { message: 'Not Found' });
        const tag = input.tag_name ?? (r.draft ? `untagged-${r.id}` : r.tag_name);
        if (r.draft && input.draft === false) {
          if (releases.has(tag)) return alreadyExists();
          if (opts.publishRefusal) return send(422, opts.publishRefusal);
          drafts.splice(drafts.indexOf(r), 1);
          r.draft = false;
          releases.set(tag, r);
          if (!tags.has(tag)) tags.set(tag, { commit: r.target_commitish ?? 'default-branch-head' });
        }
        r.tag_name = tag;
        r.name = input.name ?? r.name;
        r.body = input.body ?? r.body;
        r.prerelease = input.prerelease ?? r.prerelease;
        return send(200, view(r));
      }
      if (req.method === 'DELETE' && (m = /^\/repos\/[^/]+\/[^/]+\/releases\/assets\/(\d+)$/.exec(url.pathname))) {
        const r = all().find((x) => x.assets.some((a) => a.id === Number(m![1])));
        if (!r) return send(404, { message: 'Not Found' });
        r.assets = r.assets.filter((a) => a.id !== Number(m![1]));
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'DELETE' && (m = /^\/repos\/[^/]+\/[^/]+\/releases\/(\d+)$/.exec(url.pathname))) {
        const r = releaseAt(m[1]!);
        if (!r) return send(404, { message: 'Not Found' });
        if (r.draft) drafts.splice(drafts.indexOf(r), 1);
        else releases.delete(r.tag_name);
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'POST' && (m = /^\/uploads\/repos\/[^/]+\/[^/]+\/releases\/(\d+)\/assets$/.exec(url.pathname))) {
        uploads++;
        if (uploads === opts.failUploadNumber) return send(500, { message: 'Server Error' });
        const r = releaseAt(m[1]!);
        const name = url.searchParams.get('name')!;
        if (!r) return send(404, { message: 'Not Found' });
        if (r.assets.some((a) => a.name === name)) return send(422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] });
        const asset: Asset = { id: ++lastAssetId, name, size: body.length, content_type: String(req.headers['content-type']), data: body, state: 'uploaded' };
        if (uploads === opts.cutUploadNumber) {
          r.assets.push({ ...asset, size: 0, data: Buffer.alloc(0), state: 'starter' });
          req.socket.destroy();
          return;
        }
        r.assets.push(asset);
        return send(201, { id: asset.id, name, size: body.length, state: 'uploaded' });
      }
      send(404, { message: `no fake for ${req.method} ${url.pathname}` });
    },
    { recordQuery: true },
  );
  for (const tag of opts.existingReleases ?? []) releases.set(tag, { id: ++lastId, draft: false, tag_name: tag, name: tag, body: '', prerelease: false, assets: [] });
  for (const d of opts.existingDrafts ?? []) {
    const assets = (d.assets ?? []).map((a) => ({ id: ++lastAssetId, name: a.name, size: a.data.length, content_type: 'application/octet-stream', data: a.data, state: a.state ?? ('uploaded' as const) }));
    drafts.push({ id: ++lastId, draft: true, tag_name: d.tag_name, name: d.name, body: '', prerelease: false, assets });
  }
  otherRunUploads();
  return { url: server.base, requests: server.requests, releases, drafts, tags, close: server.close };
}

function repoOf(path: string): string {
  return /^\/repos\/([^/]+\/[^/]+)\//.exec(path)?.[1] ?? 'o/r';
}
