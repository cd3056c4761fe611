import { posix } from 'node:path';
import semver from 'semver';
import type { Finding } from '../guardrails/finding.js';
import { workspaceFindings } from '../guardrails/workspace-findings.js';
import { componentTagName, componentTagTemplate, readTag, renderTag, type TagReading } from '../git/tag-template.js';
import type { Component, LanesConfig } from '../config/model.js';
import type { LaneFacts } from './lane-facts.js';
import { chartTag, joinRef, joinRepository } from '../registry/image-ref.js';
import { BUILD_INPUTS_KEY } from '../registry/published.js';
import type { Workspace } from '../workspace/workspace.js';
import { lastReleases, type ReleaseRecord } from '../git/release-history.js';
import { buildImageStep, packageChartStep } from './build-steps.js';
import { chartImageValues } from '../charts/chart-values.js';
import { DEFAULT_OUT_DIR, type PlanOptions } from './options.js';
import { registryErrors } from './registry-findings.js';
import { selectComponents } from './select.js';
import { laneGuardrails } from '../guardrails/lane-guardrails.js';
import { uniqueComposeFiles } from './compose.js';
import type { Plan, Step } from './types.js';

export interface ReleaseOptions extends PlanOptions {
  tag: string;
  allowLocal?: boolean;
}

/** What the release plan needs beyond the workspace, gathered at the edge (see LaneFacts). */
export type ReleaseFacts = Omit<LaneFacts, 'releaseHosts'>;

/**
 * What a release tag releases: the product (`release.tag`, every component not
 * released yet) or one component (its own tag template, that component alone —
 * the tag a per-component CI workflow is triggered by).
 */
export type ReleaseTarget = { kind: 'product'; reading: NonNullable<TagReading> } | { kind: 'component'; component: Component; reading: NonNullable<TagReading> };

export function releaseTarget(config: LanesConfig, tag: string): ReleaseTarget | undefined {
  const product = readTag(config.release.tag, tag);
  if (product) return { kind: 'product', reading: product };
  for (const component of config.components) {
    if (component.external) continue;
    const reading = readTag(componentTagTemplate(config, component), tag, component.name);
    if (reading) return { kind: 'component', component, reading };
  }
  return undefined;
}

/**
 * release --tag: publish exactly the checked-in versions at HEAD. Order is the
 * guarantee: every image is built and every chart packaged first; then the
 * tags are pushed (the lock: a second release of the same version fails
 * there); only then are images and charts pushed, and last the GitHub
 * release. Artifacts a previous, interrupted run of this same commit already
 * published are skipped, so a re-run completes the release without pushing
 * anything twice.
 */
export function planRelease(ws: Workspace, opts: ReleaseOptions, facts: ReleaseFacts): Plan {
  const { config, repo } = ws;
  const findings: Finding[] = [];
  const fail = (f: Omit<Finding, 'severity'>) => findings.push({ ...f, severity: 'error' });
  const plan: Plan = { schemaVersion: 1, lane: 'release', project: config.project, commit: repo.head, tag: opts.tag, components: [], skipped: [], steps: [], findings: [] };
  const head = repo.head;
  const outDir = opts.outDir ?? DEFAULT_OUT_DIR;

  // The tag: what it releases (the product, or one component), its version, and whether it already names another commit.
  const target = releaseTarget(config, opts.tag);
  const reading = target?.reading;
  const tagVersion = reading && 'version' in reading ? reading.version : undefined;
  const template = target?.kind === 'component' ? componentTagTemplate(config, target.component) : config.release.tag;
  const example = (version: string) => (target?.kind === 'component' ? componentTagName(config, target.component.name, version) : renderTag(config.release.tag, { version }));
  if (reading && 'invalid' in reading) fail({ code: 'E_TAG_FORMAT', message: `tag ${opts.tag} follows "${template}" but ${reading.reason}; use e.g. ${example('1.2.3')}` });
  else if (!target) {
    const forms = [renderTag(config.release.tag, { version: '1.2.3' }), ...config.components.filter((c) => !c.external).slice(0, 2).map((c) => componentTagName(config, c.name, '1.2.3'))];
    fail({ code: 'E_TAG_FORMAT', message: `tag ${opts.tag} follows neither release.tag "${config.release.tag}" nor a component's tag template in ${config.file}; use e.g. ${forms.join(' or ')}` });
  }
  // A product tag's version is that of release.versionOf; a component tag's, that component's.
  const versionOf = target?.kind === 'component' ? target.component.name : config.release.versionOf;
  const checkedIn = versionOf ? ws.versions.get(versionOf)?.version : undefined;
  if (tagVersion && checkedIn && tagVersion !== checkedIn) {
    fail({ code: 'E_TAG_VERSION_MISMATCH', component: versionOf, version: checkedIn, message: `tag ${opts.tag} says ${tagVersion} but ${versionOf} is ${checkedIn} at ${head?.slice(0, 7) ?? 'HEAD'}; tag ${example(checkedIn)} instead, or lanes bump ${versionOf} --version ${tagVersion} and commit` });
  }
  const selected = selectComponents(config, opts).filter((c) => target?.kind !== 'component' || c.name === target.component.name);
  if (target?.kind === 'component' && selected.length === 0) {
    fail({ code: 'E_TAG_FORMAT', component: target.component.name, message: `tag ${opts.tag} releases ${target.component.name} alone, which --only/--skip leaves out; drop them for a component release` });
  }
  // Tags by name once: a lookup per component must not scan every tag (1,000 components × 20,000 tags).
  const localTags = new Map(repo.tags.map((t) => [t.name, t.commit]));
  const tagAt = (name: string) => localTags.get(name) ?? facts.remoteTags.get(name);
  const productTagAt = tagAt(opts.tag);
  for (const [where, commit] of [['locally', localTags.get(opts.tag)], ['on the remote', facts.remoteTags.get(opts.tag)]] as const) {
    if (commit && commit !== head) {
      fail({ code: 'E_TAG_EXISTS', version: tagVersion, message: `tag ${opts.tag} already exists ${where} at ${commit.slice(0, 7)}, not at HEAD ${head?.slice(0, 7)}; that version is released: bump and release a new version` });
    }
  }

  // Where lanes may run it from.
  if (!head) fail({ code: 'E_NOT_A_REPO', message: `${config.root} is not a git repository with a commit; releases are cut from a commit` });
  if (repo.dirty.length > 0) {
    fail({ code: 'E_DIRTY_TREE', message: `the working tree has uncommitted changes (${repo.dirty.slice(0, 3).join(', ')}${repo.dirty.length > 3 ? ', …' : ''}); commit or stash them: a release is built from a commit` });
  }
  if (!facts.ci && !opts.allowLocal) {
    fail({ code: 'E_NOT_CI', message: 'official releases come from CI; run this in CI (CI=true), or pass --allow-local if you really mean to publish from this machine' });
  }
  const registry = config.registries.release;
  if (!registry) fail({ code: 'E_NO_REGISTRY', message: `${config.file} has no registries.release; add registries: { release: { images: host/namespace, charts: oci://host/namespace } }` });

  // The releases before this one: a rerun's checkout may already hold this release's own tags at HEAD, which are not "the last release".
  const atHead = [...ws.lastRelease.values()].some((r) => r.commit === head);
  const previous = atHead ? lastReleases(config, repo.tags.filter((t) => t.commit !== head)) : ws.lastRelease;
  // What is released: every versioned component whose version is not released yet.
  const tagsToPush: { name: string; commit: string }[] = [];
  /** Every tag this release consists of, whether this run pushes it or an earlier run of this commit did. */
  const releaseTags = new Set<string>(tagVersion && head && (!productTagAt || productTagAt === head) ? [opts.tag] : []);
  // The lock is the remote's tag: a tag only this clone has (a push that failed) is pushed again, never taken as done.
  const onRemoteAtHead = (name: string) => !!head && facts.remoteTags.get(name) === head;
  if (tagVersion && head && (!productTagAt || productTagAt === head) && !onRemoteAtHead(opts.tag)) tagsToPush.push({ name: opts.tag, commit: head });
  if (tagsToPush.length > 0 && !facts.remote) fail({ code: 'E_NO_REMOTE', message: `no git remote "origin" to push ${opts.tag} to; add one (git remote add origin …): the pushed tag is what stops two releases of one version` });
  const buildIds: string[] = [];
  /** Components whose checked-in version is already released: left as they are. */
  const unchanged: { name: string; version: string }[] = [];
  const pushes: Step[] = [];
  const assets: string[] = [];
  for (const c of selected) {
    const version = ws.versions.get(c.name)?.version;
    if (c.external || !version) {
      plan.skipped.push({ component: c.name, reason: c.external ? 'external image: never published by lanes' : 'no version: nothing to release' });
      continue;
    }
    const componentTag = componentTagName(config, c.name, version);
    const componentTagAt = tagAt(componentTag);
    if (componentTagAt && componentTagAt !== head) {
      if (opts.only?.includes(c.name)) {
        fail({ code: 'E_ALREADY_PUBLISHED', component: c.name, version, message: `${c.name} ${version} was already released (${componentTag} at ${componentTagAt.slice(0, 7)}); bump it (lanes bump ${c.name} --patch) to release it again` });
      } else {
        plan.skipped.push({ component: c.name, reason: `${version} already released as ${componentTag}` });
        unchanged.push({ name: c.name, version });
      }
      continue;
    }
    const last = previous.get(c.name);
    if (last && semver.lt(version, last.version)) {
      fail({ code: 'E_VERSION_NOT_GREATER', component: c.name, version, message: `${c.name} ${version} is lower than its last release ${last.version} (${last.tag}); bump it above ${last.version}` });
    }
    if (head) releaseTags.add(componentTag);
    if ((!componentTagAt || componentTagAt === head) && head && componentTag !== opts.tag && !onRemoteAtHead(componentTag)) tagsToPush.push({ name: componentTag, commit: head });
    const planned: Plan['components'][number] = { name: c.name, version, images: [] };
    // A version-only component (a desktop app) is released by its tag alone: that is how its changes are tracked from now on.
    if (!c.image && !c.chart) {
      plan.components.push({ ...planned, tagOnly: componentTag });
      continue;
    }
    if (!registry) continue;

    /** A push this commit already made (an interrupted run): skipped, with the digest that is there. */
    // Skipped only when this commit published it from the same build inputs (a dev build of this commit with other build args is not the release).
    const alreadyHere = (ref: string, what: string, buildInputs: string | undefined): { skip: string; publishedDigest?: string } | undefined => {
      const fact = facts.published.get(ref);
      if (!fact?.exists) return undefined;
      if (fact.revision && fact.revision === head && fact.buildInputs && fact.buildInputs === buildInputs) return { skip: 'already published by an earlier run of this release (same commit)', ...(fact.digest ? { publishedDigest: fact.digest } : {}) };
      const from = fact.revision === head ? ` (from this commit, but ${fact.buildInputs ? 'built from other build inputs: build args, target, platforms or Dockerfile' : 'without a build-inputs digest: not pushed by this release'})` : fact.revision ? ` (from ${fact.revision.slice(0, 7)})` : '';
      fail({ code: 'E_ALREADY_PUBLISHED', component: c.name, version, message: `${what} ${ref} is already published${from}; lanes never overwrites a release: bump ${c.name} and release a new version` });
      return undefined;
    };
    if (c.image) {
      const ref = joinRef(registry.images, c.image.name, version);
      planned.images = [ref];
      const build = buildImageStep(ws, c, version, [ref], opts);
      plan.steps.push(build);
      buildIds.push(build.id);
      pushes.push({ id: `push:${ref}`, needs: [build.id, 'push-tags'], component: c.name, kind: 'push-image', ref, ...alreadyHere(ref, 'image', build.labels[BUILD_INPUTS_KEY]) });
    }
    if (c.chart) {
      // The released chart runs the released image.
      const pkg = packageChartStep(ws, c, version, { ...opts, outDir }, [], c.image ? chartImageValues(c, joinRepository(registry.images, c.image.name), version) : undefined);
      const ref = `${registry.charts}/${c.chart.name}:${chartTag(version)}`;
      planned.chart = { name: c.chart.name, version, ref };
      plan.steps.push(pkg);
      buildIds.push(pkg.id);
      assets.push(pkg.output);
      pushes.push({ id: `push-chart:${c.name}`, needs: [pkg.id, 'push-tags'], component: c.name, kind: 'push-chart', package: pkg.output, repository: registry.charts, ref, ...alreadyHere(ref, 'chart', pkg.annotations[BUILD_INPUTS_KEY]) });
    }
    plan.components.push(planned);
  }

  // Release artifacts beside the charts: the compose files as one bundle, and checksums of it all.
  const version = tagVersion ?? '0.0.0';
  // The compose bundle is the product's stack; a component release publishes that component alone.
  const composeFiles = target?.kind === 'component' ? [] : uniqueComposeFiles(config.components);
  if (composeFiles.length > 0) {
    const bundle = posix.join(outDir, `${config.project}-compose-${version}.tar.gz`);
    plan.steps.push({ id: 'compose-bundle', needs: [], kind: 'compose-bundle', files: composeFiles, output: bundle });
    buildIds.push('compose-bundle');
    assets.push(bundle);
  }
  const sums = posix.join(outDir, 'SHA256SUMS');
  plan.steps.push({ id: 'checksums', needs: [...buildIds], kind: 'checksums', files: [...assets], output: sums });
  assets.push(sums);

  plan.steps.push({
    id: 'push-tags',
    needs: ['checksums'],
    kind: 'push-tags',
    tags: tagsToPush,
    remote: facts.remote ?? 'origin',
    released: [...releaseTags],
    ...(tagsToPush.length === 0 ? { skip: `${opts.tag} is already on the remote at this commit` } : {}),
  });
  plan.steps.push(...pushes);
  // The release pages come last: by then every artifact they point at is published.
  const title = target?.kind === 'component' ? target.component.name : config.project;
  const page = { needs: ['push-tags', ...pushes.map((p) => p.id)], tag: opts.tag, name: `${title} ${tagVersion ?? opts.tag}`, notes: releaseNotes(previous, plan.components, unchanged, facts.notes), assets };
  plan.steps.push({
    id: 'github-release',
    kind: 'github-release',
    ...page,
    repository: config.release.github ?? '',
    commit: head ?? '',
    prerelease: tagVersion ? semver.prerelease(tagVersion) !== null : false,
    ...(config.release.github ? {} : { skip: `release.github is not set in ${config.file}` }),
  });
  if (config.release.gitlab) {
    plan.steps.push({ id: 'gitlab-release', kind: 'gitlab-release', ...page, project: config.release.gitlab.project, apiUrl: config.release.gitlab.apiUrl, packageName: config.project });
  }

  plan.findings = [...workspaceFindings(ws, selected), ...findings, ...registryErrors(facts.published), ...laneGuardrails(ws, plan, opts)];
  return plan;
}

/**
 * The GitHub release's text: what this release publishes (each component with
 * the version it replaces), what it leaves as it was, then the commit log.
 */
function releaseNotes(previous: ReadonlyMap<string, ReleaseRecord>, released: Plan['components'], unchanged: readonly { name: string; version: string }[], log: string): string {
  const lines = ['## Components', ''];
  for (const c of released) {
    const last = previous.get(c.name);
    const artifacts = c.tagOnly ? `tagged \`${c.tagOnly}\`` : [...c.images, ...(c.chart?.ref ? [c.chart.ref] : [])].map((r) => `\`${r}\``).join(', ');
    lines.push(`- **${c.name} ${c.version}** (${last ? `was ${last.version}` : 'first release'}): ${artifacts}`);
  }
  if (unchanged.length) lines.push('', `Unchanged: ${unchanged.map((u) => `${u.name} ${u.version}`).join(', ')}.`);
  return `${lines.join('\n')}\n\n${log}`;
}
