import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDaggerEngine, type RecordedQuery } from '../helpers/fake-dagger-engine.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { addBareRemote, exampleRepo, git, PROJECT_ROOT } from '../helpers/repo.js';
import { lanes as cli } from '../helpers/cli.js';
import { registryEnv, testbed, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';
import { GIT_IMAGE, HELM_IMAGE, DOCKER_CLI_IMAGE } from '../../dagger/src/images.js';

/**
 * Each Dagger function run against a recording stand-in for the engine: the
 * queries it sends are what the engine would be asked to do. Registry
 * look-ups and git are real (the test registry; git on the mounted source).
 */
const TOKEN = 'session-token';
let engine: Awaited<ReturnType<typeof startFakeDaggerEngine>>;
let sdk: typeof import('@dagger.io/dagger');
let Lanes: typeof import('../../dagger/src/index.js').Lanes;

beforeAll(async () => {
  engine = await startFakeDaggerEngine({ token: TOKEN, gitImage: GIT_IMAGE });
  process.env.DAGGER_SESSION_PORT = String(engine.port);
  process.env.DAGGER_SESSION_TOKEN = TOKEN;
  sdk = await import('@dagger.io/dagger');
  ({ Lanes } = await import('../../dagger/src/index.js'));
});
afterAll(() => engine.close());

/** Runs `fn` in a Dagger session and returns its result with the queries it sent. */
async function call<T>(fn: (dag: typeof sdk.dag) => Promise<T>): Promise<{ result: T; queries: RecordedQuery[]; text: string[] }> {
  const start = engine.queries.length;
  let result!: T;
  await sdk.connection(async () => {
    result = await fn(sdk.dag);
  });
  const queries = engine.queries.slice(start);
  return { result, queries, text: queries.map(engine.describe) };
}

const base = () => [`BASE_IMAGE=${testbed().baseImage}`];

describe('the Dagger functions ask the engine for exactly the plan', () => {
  it('status gives the CLI\'s table, reading git through a git container on the source', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'aws-s3-connector-v0.5.2');
    const expected = (await cli(['status', '--source', dir])).stdout;
    const { result, text } = await call((dag) => new Lanes().status(dag.host().directory(dir)));
    expect(result).toBe(expected);
    expect(result).toContain('aws-s3-connector      0.5.2    agree  0.5.2 (aws-s3-connector-v0.5.2)');
    expect(text.some((t) => t.includes(`from(address:"${GIT_IMAGE}").withMountedDirectory(path:"/src",source:`) && t.includes('withExec(args:["git","-c","safe.directory=*"'))).toBe(true);
    expect(text).toContainEqual(expect.stringMatching(new RegExp(`^host\\.directory\\(path:"${dir}"\\)\\.export\\(path:".*/src"\\)$`)));
  });

  it('status works on a monorepo below the git root (--path), with git run from that directory', async () => {
    const { cpSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const top = mkdtempSync(join(tmpdir(), 'lanes-top-'));
    cpSync(join(PROJECT_ROOT, 'examples/dsx-connect'), join(top, 'apps/dsx'), { recursive: true });
    git(top, 'init', '-q', '-b', 'main');
    git(top, 'add', '-A');
    git(top, 'commit', '-qm', 'initial');
    git(top, 'tag', 'aws-s3-connector-v0.5.2');
    writeFileSync(join(top, 'apps/dsx/connectors/aws_s3/server.py'), '# changed\n');
    git(top, 'commit', '-qam', 'change');
    const { result, text } = await call((dag) => new Lanes().status(dag.host().directory(top), false, 'apps/dsx'));
    expect(result).toMatch(/aws-s3-connector\s+0\.5\.2\s+agree\s+0\.5\.2 \(aws-s3-connector-v0\.5\.2\)\s+yes \(1 files\)\s+needs bump/);
    expect(text.some((t) => t.includes('withWorkdir(path:"/src/apps/dsx")'))).toBe(true);
  });

  it('build-all-local builds each image with dockerBuild from its context and exports it under both local tags', async () => {
    const dir = exampleRepo();
    const head = git(dir, 'rev-parse', 'HEAD');
    const { text } = await call((dag) => new Lanes().buildAllLocal(dag.host().directory(dir), [], [], base()));
    for (const [path, name, version] of [['dsx_connect', 'dsx-connect', '0.3.88'], ['connectors/aws_s3', 'aws-s3-connector', '0.5.2'], ['connectors/filesystem', 'filesystem-connector', '0.2.7']]) {
      const builds = text.filter((t) => t.includes(`.directory(path:"${path}").dockerBuild(dockerfile:"Dockerfile",buildArgs:[{"name":"BASE_IMAGE","value":"${testbed().baseImage}"}])`));
      expect(builds.length, name).toBeGreaterThan(0);
      const exports = text.filter((t) => t.includes(`withLabel(name:"org.opencontainers.image.title",value:"${name}")`) && t.includes('.exportImage('));
      expect(exports.map((t) => /exportImage\(name:"([^"]+)"\)$/.exec(t)?.[1]), name).toEqual([`${name}:latest`, `${name}:${version}`]);
      expect(builds.some((t) => t.includes(`withLabel(name:"org.opencontainers.image.version",value:"${version}")`) && t.includes(`withLabel(name:"org.opencontainers.image.revision",value:"${head}")`))).toBe(true);
    }
  });
});

describe('publishing functions', () => {
  it('push-all-dev publishes with withRegistryAuth, pushes charts from a Helm container, and sends the password only as a secret ID', async () => {
    const tb = testbed();
    const ns = uniqueNamespace('dagger-dev');
    const dir = exampleRepo(useTestRegistry(ns));
    const sha7 = git(dir, 'rev-parse', '--short=7', 'HEAD');
    const { queries, text, result } = await call((dag) =>
      new Lanes().pushAllDev(dag.host().directory(dir), tb.user, dag.setSecret('registry-password', tb.password), undefined, [], [], base(), false, 4, false, false, true),
    );
    const report = JSON.parse(result);
    expect(report.ok).toBe(true);
    for (const [name, version] of [['dsx-connect', '0.3.88'], ['aws-s3-connector', '0.5.2'], ['filesystem-connector', '0.2.7']]) {
      for (const tag of [version, `${version}-${sha7}`]) {
        const publish = text.find((t) => t.endsWith(`.publish(address:"${tb.registry}/${ns}-dev/${name}:${tag}")`));
        expect(publish, `${name}:${tag}`).toMatch(new RegExp(`withRegistryAuth\\(address:"${tb.registry}",username:"lanes",secret:"id-\\d+"\\)`));
      }
    }
    const pkg = text.find((t) => t.includes(`from(address:"${HELM_IMAGE}").withDirectory(path:"/chart"`) && t.includes('"helm","package","/chart","--version","0.5.2","--app-version","0.5.2","--destination","/out"'));
    expect(pkg).toBeDefined();
    const push = text.find((t) => t.includes('helm push /work/chart.tgz') && t.includes(`oci://${tb.registry}/${ns}-dev-charts`));
    expect(push).toContain('withSecretVariable(name:"REGISTRY_PASSWORD",secret:"id-');
    expect(push).toContain('printf %s \\"$REGISTRY_PASSWORD\\" | helm registry login');
    const leaking = queries.filter((q) => q.raw.includes(tb.password) && !q.raw.includes('setSecret'));
    expect(leaking.map((q) => q.raw)).toEqual([]);
  });

  it('release builds and packages everything before the tag push and the first publish, then creates the GitHub release', async () => {
    const tb = testbed();
    const ns = uniqueNamespace('dagger-rel');
    const dir = exampleRepo(useTestRegistry(ns));
    addBareRemote(dir);
    const gh = await startFakeGitHub({ token: 'gh-token-planted' });
    try {
      const { text, queries } = await call((dag) =>
        new Lanes().release(
          dag.host().directory(dir), 'v0.3.88', true, false, tb.user, dag.setSecret('pw', tb.password), undefined,
          dag.setSecret('git', 'git-token-planted'), dag.setSecret('gh', 'gh-token-planted'), gh.url, [], [], base(),
        ),
      );
      const firstPublish = text.findIndex((t) => t.includes('.publish('));
      const tagPush = text.findIndex((t) => t.includes('git -c safe.directory=') && t.includes('push --atomic'));
      const lastBuild = text.findLastIndex((t) => t.includes('.dockerBuild(') && t.endsWith('.sync'));
      const lastPackage = text.findLastIndex((t) => t.includes('"helm","package"') && t.endsWith('.sync'));
      expect(lastBuild).toBeGreaterThan(-1);
      expect(lastPackage).toBeGreaterThan(-1);
      expect(tagPush).toBeGreaterThan(Math.max(lastBuild, lastPackage));
      expect(firstPublish).toBeGreaterThan(tagPush);
      expect(text[tagPush]).toContain("tag -a 'v0.3.88' -m 'Release v0.3.88'");
      expect(text[tagPush]).toContain('withSecretVariable(name:"GIT_TOKEN",secret:"id-');
      expect(gh.requests.map((q) => `${q.method} ${q.path.replace(/\?.*/, '')}`)).toEqual([
        'GET /repos/dsxconnect/dsx-connect/releases/tags/v0.3.88',
        'POST /repos/dsxconnect/dsx-connect/releases',
        ...Array(5).fill('POST /uploads/repos/dsxconnect/dsx-connect/releases/1/assets'),
      ]);
      for (const secret of [tb.password, 'git-token-planted', 'gh-token-planted']) {
        expect(queries.filter((q) => q.raw.includes(secret) && !q.raw.includes('setSecret')).map((q) => q.raw)).toEqual([]);
      }
    } finally {
      await gh.close();
    }
  });

  it('release fails the call with the guardrail codes, before asking the engine to build anything', async () => {
    const dir = exampleRepo();
    const { text, error } = await call(async (dag) => {
      try {
        await new Lanes().release(dag.host().directory(dir), 'v9.9.9');
        return undefined;
      } catch (e) {
        return e as Error;
      }
    }).then((r) => ({ text: r.text, error: r.result }));
    expect(error?.message).toContain('E_TAG_VERSION_MISMATCH');
    expect(error?.message).toContain('E_NOT_CI');
    expect(text.some((t) => t.includes('dockerBuild') || t.includes('publish'))).toBe(false);
  });
});

describe('local functions', () => {
  it('compose-up-local runs docker compose in a docker CLI container on the caller\'s socket, with the local image variables', async () => {
    const dir = exampleRepo();
    const { text } = await call((dag) => new Lanes().composeUpLocal(dag.host().directory(dir), dag.host().unixSocket('/var/run/docker.sock'), [], true));
    const up = text.find((t) => t.includes('"docker","compose"'))!;
    expect(up.replace(/id-\d+/g, 'ID')).toContain(`container.from(address:"${DOCKER_CLI_IMAGE}").withDirectory(path:"/src",source:"ID").withWorkdir(path:"/src").withUnixSocket(path:"/var/run/docker.sock",source:"ID")`);
    expect(up).toContain('withEnvVariable(name:"DSXCONNECT_IMAGE",value:"dsx-connect:latest")');
    expect(up).toContain('withEnvVariable(name:"DSXA_IMAGE",value:"docker.io/dsxconnect/dpa-rocky9:4.1.1")');
    expect(up).toContain('withExec(args:["docker","compose","-p","dsx-connect","-f","dsx_connect/deploy/docker/docker-compose-dsx-connect-all-services.yaml","-f","connectors/aws_s3/deploy/docker/docker-compose-aws-s3-connector.yaml","-f","connectors/filesystem/deploy/docker/docker-compose-filesystem-connector.yaml","-f","dsxa/docker-compose-dsxa.yaml","up","-d"])');
    expect(text.some((t) => t.includes('docker network inspect') && t.includes('dsx-connect-network'))).toBe(true);
  });

  it('compose-down-local removes the same project', async () => {
    const dir = exampleRepo();
    const { text } = await call((dag) => new Lanes().composeDownLocal(dag.host().directory(dir), dag.host().unixSocket('/var/run/docker.sock')));
    expect(text.find((t) => t.includes('"docker","compose"'))).toMatch(/"-p","dsx-connect",.*"down","--remove-orphans"\]/);
  });

  it('deploy-all-local lints and installs each chart with the kubeconfig mounted as a secret', async () => {
    const dir = exampleRepo();
    const { text } = await call((dag) => new Lanes().deployAllLocal(dag.host().directory(dir), dag.setSecret('kubeconfig', 'apiVersion: v1'), 'kind-dsx', undefined, ['dsx-connect']));
    const deploy = text.find((t) => t.includes('"upgrade","--install"'))!;
    expect(deploy).toContain('withMountedSecret(path:"/root/.kube/config",source:"id-');
    expect(deploy).toContain('"helm","lint","dsx_connect/deploy/helm","--set-string","image.repository=dsx-connect","--set-string","image.tag=0.3.88","--set-string","image.pullPolicy=Never"');
    expect(deploy).toContain('"upgrade","--install","dsx-connect","dsx_connect/deploy/helm","--kube-context","kind-dsx"');
  });

  it('bump returns the source with every version file rewritten, for the caller to export', async () => {
    const dir = exampleRepo();
    const { result, text } = await call(async (dag) => {
      const out = await new Lanes().bump(dag.host().directory(dir), 'dsx-connect', '0.4.0');
      await out.sync();
      return out;
    });
    expect(result).toBeDefined();
    const synced = text.find((t) => t.endsWith('.sync') && t.includes('withNewFile'))!;
    const files = [...synced.matchAll(/withNewFile\(path:"([^"]+)",contents:"((?:[^"\\]|\\.)*)"\)/g)].map((m) => [m[1], JSON.parse(`"${m[2]}"`) as string]);
    expect(files.map(([p]) => p)).toEqual([
      'dsx_connect/version.py',
      'dsx_connect/deploy/docker/sample.core.env',
      'dsx_connect/deploy/docker/docker-compose-dsx-connect-all-services.yaml',
      'dsx_connect/deploy/helm/Chart.yaml',
    ]);
    expect(files[0]![1]).toBe(readFileSync(join(dir, 'dsx_connect/version.py'), 'utf8').replace('0.3.88', '0.4.0'));
    // The caller's files are untouched: the function only returns a Directory.
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('plan gives the same plan as the CLI', async () => {
    const dir = exampleRepo();
    const expected = (await cli(['plan', 'local', '--json', '--source', dir])).json();
    const { result } = await call((dag) => new Lanes().plan(dag.host().directory(dir), 'local', undefined, [], [], false, false, false, undefined, undefined, [], true));
    expect(JSON.parse(result)).toEqual(expected);
  });

  it('check fails with the same codes and messages as the CLI', async () => {
    const dir = exampleRepo();
    const { writeFileSync } = await import('node:fs');
    const env = join(dir, 'connectors/aws_s3/deploy/docker/sample.aws.env');
    writeFileSync(env, readFileSync(env, 'utf8').replace(':0.5.2', ':0.5.1'));
    const expected = (await cli(['check', 'local', '--source', dir])).stdout;
    const { result } = await call(async (dag) => {
      try {
        return await new Lanes().check(dag.host().directory(dir), 'local');
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(result).toBe(expected);
    expect(result).toContain('E_VERSION_MISMATCH');
  });
});

describe('multi-platform images', () => {
  it('builds one variant per platform and publishes them as one multi-platform image', async () => {
    const tb = testbed();
    const ns = uniqueNamespace('dagger-multi');
    const dir = exampleRepo((yaml) => useTestRegistry(ns)(yaml).replace('image: { name: aws-s3-connector }', 'image: { name: aws-s3-connector, platforms: [linux/amd64, linux/arm64] }'));
    const { text } = await call((dag) => new Lanes().pushAllDev(dag.host().directory(dir), tb.user, dag.setSecret('pw', tb.password), undefined, ['aws-s3-connector'], [], base()));
    const builds = text.filter((t) => t.includes('.directory(path:"connectors/aws_s3").dockerBuild(') && t.endsWith('.sync'));
    expect(builds.map((t) => /platform:"([^"]+)"/.exec(t)?.[1]).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    const publishes = text.filter((t) => t.includes('.publish(address:') && t.includes('aws-s3-connector'));
    expect(publishes).toHaveLength(2);
    for (const p of publishes) expect(p).toMatch(/platformVariants:\["id-\d+","id-\d+"\]/);
  });
});
