/**
 * The text both adapters print (the CLI to stdout, a Dagger function as its
 * return value): one renderer per report, so `npx lanes X` and `dagger call X`
 * read the same.
 */
import type { Finding } from '../guardrails/finding.js';
import type { Plan, Step } from '../plan/types.js';
import type { Status, StatusRow } from '../status/build-status.js';
import type { StepResult } from '../exec/run-steps.js';
import type { BumpPlan } from '../versions/bump.js';
import { unifiedDiff } from './unified-diff.js';

/** A plain text table: columns padded to their widest cell. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function renderFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  return findings.map((f) => `${f.severity === 'error' ? 'error  ' : 'warning'} ${f.code}: ${f.message}`).join('\n');
}

function describePublished(p: StatusRow['published']): string {
  const state = (r: 'dev' | 'release') => (p![r] === 'error' && p!.errors?.[r] ? `error: ${p!.errors[r]!.code}` : p![r]);
  const parts = (['dev', 'release'] as const).filter((r) => p?.[r] && p[r] !== 'no').map((r) => (p![r] === 'yes' ? r : `${r} (${state(r)})`));
  return parts.join(', ') || (p && Object.keys(p).length ? 'nowhere' : '-');
}

/** The last line of `check`: how many of each, and whether the lane may run. */
export function renderCheckSummary(lane: string, findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  return errors ? `check ${lane}: ${counts}: the lane would stop before doing anything` : `check ${lane}: ${counts}: the lane may run`;
}

export function renderStatus(s: Status): string {
  const withPublished = s.rows.some((r) => r.published);
  const rows = s.rows.map((r) => [
    r.component,
    r.version ?? '-',
    r.versionFilesAgree ? 'agree' : 'DISAGREE',
    r.lastRelease ? `${r.lastRelease.version} (${r.lastRelease.tag})` : '-',
    r.changedSinceRelease === undefined ? '-' : r.changedSinceRelease === 'unknown' ? 'unknown' : r.changedSinceRelease.length > 0 ? `yes (${r.changedSinceRelease.length} files)` : 'no',
    r.state,
    ...(withPublished ? [describePublished(r.published)] : []),
  ]);
  const head = ['COMPONENT', 'VERSION', 'FILES', 'LAST RELEASE', 'CHANGED SINCE', 'STATE', ...(withPublished ? ['PUBLISHED'] : [])];
  const out = [`${s.project} at ${s.commit ? s.commit.slice(0, 7) : '(no commit)'}${s.branch ? ` on ${s.branch}` : s.detached ? ' (detached HEAD)' : ''}`, '', table(head, rows)];
  for (const r of s.rows.filter((x) => x.disagreement)) out.push('', `${r.component} version files: ${r.disagreement}`);
  if (s.notes.length) out.push('', ...s.notes.map((n) => `note: ${n}`));
  if (s.findings.length) out.push('', renderFindings(s.findings));
  return out.join('\n');
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'build-image':
      return `docker build ${step.tags.join(', ')} from ${step.dockerfile}`;
    case 'push-image':
      return `push ${step.ref}`;
    case 'package-chart':
      return `helm package ${step.chartPath} --version ${step.version} -> ${step.output}`;
    case 'push-chart':
      return `helm push ${step.package} ${step.repository}`;
    case 'helm-dependency-build':
      return `helm dependency build ${step.chartPath}`;
    case 'helm-lint':
      return `helm lint ${step.chartPath}`;
    case 'helm-deploy':
      return `helm upgrade --install ${step.release} ${step.chartPath}${Object.entries(step.set).map(([k, v]) => ` --set-string ${k}=${v}`).join('')}${step.kubeContext ? ` --kube-context ${step.kubeContext}` : ''}`;
    case 'ensure-network':
      return `docker network ${step.network} (create if missing)`;
    case 'compose-up':
      return `compose -p ${step.project} ${step.files.map((f) => `-f ${f}`).join(' ')} up -d${Object.keys(step.env).length ? ` with ${Object.entries(step.env).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`;
    case 'compose-down':
      return `compose -p ${step.project} down`;
    case 'compose-bundle':
      return `bundle ${step.files.length} compose files -> ${step.output}`;
    case 'checksums':
      return `sha256 of ${step.files.length} files -> ${step.output}`;
    case 'push-tags':
      return `push tags ${step.tags.map((t) => t.name).join(', ') || '(none)'} to ${step.remote}`;
    case 'gitlab-release':
      return `GitLab release ${step.tag} on ${step.project} with ${step.assets.length} assets (package ${step.packageName})`;
    case 'github-release':
      return `GitHub release ${step.tag} on ${step.repository || '(no repository)'} with ${step.assets.length} assets`;
  }
}

export function renderPlan(plan: Plan): string {
  const out = [`plan: ${plan.lane} for ${plan.project}${plan.commit ? ` at ${plan.commit.slice(0, 7)}` : ''}${plan.tag ? `, tag ${plan.tag}` : ''}`, ''];
  if (plan.components.length) {
    out.push(table(['COMPONENT', 'VERSION', 'IMAGES', 'CHART'], plan.components.map((c) => [c.name, c.version ?? '-', c.tagOnly ? `(tag ${c.tagOnly} only)` : c.images.join(' ') || '-', c.chart ? (c.chart.ref ?? `${c.chart.name} ${c.chart.version}`) : '-'])), '');
  }
  for (const s of plan.skipped) out.push(`left out: ${s.component} (${s.reason})`);
  if (plan.skipped.length) out.push('');
  out.push('steps:');
  plan.steps.forEach((s, i) => out.push(`  ${String(i + 1).padStart(2)}. ${describeStep(s)}${s.skip ? `  [skip: ${s.skip}]` : ''}`));
  out.push('', renderFindings(plan.findings));
  return out.join('\n');
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

function digestOf(r: StepResult): string | undefined {
  return 'digest' in r.outputs ? r.outputs.digest : undefined;
}

/** The one thing worth showing of a step's result: its digest, image, file or URL, else why it did not run. */
function resultText(r: StepResult): string {
  const o = r.outputs as Partial<Record<'digest' | 'imageId' | 'file' | 'url', string>>;
  return o.digest ?? o.imageId ?? o.file ?? o.url ?? (r.reason ?? '').split('\n')[0] ?? '';
}

export function renderStepLine(r: StepResult): string {
  const mark = r.status === 'ok' ? 'ok  ' : r.status === 'failed' ? 'FAIL' : 'skip';
  const detail = r.status === 'ok' ? (digestOf(r) ? ` ${digestOf(r)}` : '') : ` (${(r.reason ?? '').split('\n')[0]})`;
  return `${mark} ${r.id.padEnd(40)} ${formatDuration(r.durationMs).padStart(7)}${detail}`;
}

export function renderSummary(results: readonly StepResult[]): string {
  const ok = results.filter((r) => r.status === 'ok').length;
  const failed = results.filter((r) => r.status === 'failed');
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const out = ['', table(['STEP', 'STATUS', 'TIME', 'RESULT'], results.map((r) => [r.id, r.status, formatDuration(r.durationMs), resultText(r)])), ''];
  out.push(`${ok} ok, ${failed.length} failed, ${skipped} skipped`);
  for (const f of failed) out.push('', `${f.id} failed${f.code ? ` [${f.code}]` : ''}:`, `  ${(f.reason ?? '').split('\n').join('\n  ')}`);
  return out.join('\n');
}

export function renderBump(plan: BumpPlan, dryRun: boolean): string {
  const head = `${plan.component}: ${plan.from} -> ${plan.to}${dryRun ? ' (dry run: nothing written)' : ''}`;
  if (plan.edits.length === 0) return `${head}\nno file changes`;
  return [head, ...plan.edits.map((e) => (dryRun ? unifiedDiff(e) : `  wrote ${e.path}`))].join('\n');
}
