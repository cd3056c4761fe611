import { Document, isMap, isPair, isScalar, stringify, type Node } from 'yaml';
import type { InitNote, Proposal, ProposedConfig } from './propose.js';

/** How an undecided point starts in the file, so a user (or grep) finds every one. */
export const UNDECIDED = 'UNDECIDED:';

/**
 * The proposal as a commented lanes.yaml: the `$schema` line for editors
 * first, then why each value was chosen beside it, and every undecided point
 * as an `UNDECIDED:` comment where it applies. What could not be proposed
 * (registries, a component without a version, a chart whose version differs)
 * is written commented out, ready to fill in. The YAML itself is produced by
 * the yaml library from the config object, so it always parses to exactly it.
 */
export function renderLanesYaml(proposal: Proposal, schemaRef: string): string {
  const { config } = proposal;
  const doc = new Document(configForYaml(config));
  const notesAt = (at: string) => proposal.notes.filter((n) => n.at === at);

  doc.commentBefore = comment([
    `yaml-language-server: $schema=${schemaRef}`,
    '',
    'Written by `lanes init` from what it found in this repository: review it, then run',
    '`lanes check local` and `lanes status`. Reference: the lanes README, section lanes.yaml.',
    ...undecided(notesAt('')),
  ]);

  const topKey = (key: string, lines: string[]) => {
    const pair = isMap(doc.contents) ? doc.contents.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key) : undefined;
    if (pair && isScalar(pair.key) && lines.length) pair.key.commentBefore = comment(lines);
  };
  const trailing = (path: (string | number)[], text: string | undefined) => {
    const node = doc.getIn(path, true) as Node | undefined;
    if (node && text) node.comment = ` ${text}`;
  };

  trailing(['project'], proposal.why.project);
  topKey('release', undecided(notesAt('release')));
  for (const key of ['tag', 'versionOf', 'componentTag', 'github']) trailing(['release', key], proposal.why[`release.${key}`]);
  topKey('compose', undecided(notesAt('compose')));
  trailing(['compose', 'network'], proposal.why['compose.network']);

  config.components.forEach((c, i) => {
    const node = doc.getIn(['components', i], true) as Node;
    const why = proposal.why[`components[${i}]`];
    node.commentBefore = comment([...(i > 0 ? [''] : []), ...(why ? wrap(why) : []), ...undecided(notesAt(`components[${i}]`))]);
    // Short maps on one line, as people write them: { name: x }, { file: f, key: K }.
    for (const key of ['image', 'chart', 'external']) flow(doc.getIn(['components', i, key], true));
    if (c.compose && Object.keys(c.compose).length <= 3) flow(doc.getIn(['components', i, 'compose'], true));
    const files = c.version && 'files' in c.version ? c.version.files : [];
    files.forEach((f, n) => {
      if (typeof f === 'object' && !f.pattern) flow(doc.getIn(['components', i, 'version', 'files', n], true));
    });
    if (c.version && 'file' in c.version && typeof c.version.file === 'object' && !c.version.file.pattern) flow(doc.getIn(['components', i, 'version', 'file'], true));
  });

  const tail: string[] = [];
  for (const p of proposal.parked) {
    tail.push('', ...undecided([{ at: '', message: p.reason }]), ...yamlLines([p.component], '  '));
  }
  if (proposal.notes.some((n) => n.at === 'registries')) {
    tail.push('', ...undecided(notesAt('registries')));
    const hint = proposal.registryHint;
    tail.push(
      ...yamlLines({
        registries: {
          dev: { images: hint ? `${hint.images}-dev` : 'registry.example.com/acme-dev', charts: hint ? `${hint.charts}-dev` : 'oci://registry.example.com/acme-dev' },
          release: { images: hint?.images ?? 'registry.example.com/acme', charts: hint?.charts ?? 'oci://registry.example.com/acme' },
        },
      }),
    );
    if (hint) tail.push(`(suggested from the image references in this repository: ${hint.images}/…)`);
  }
  if (tail.length) doc.comment = comment(tail);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/** The config in the key order people read lanes.yaml in; empty parts left out. */
function configForYaml(config: ProposedConfig): Record<string, unknown> {
  return {
    project: config.project,
    release: config.release,
    ...(config.compose && Object.keys(config.compose).length ? { compose: config.compose } : {}),
    components: config.components,
  };
}

function flow(node: unknown): void {
  if (isMap(node)) node.flow = true;
}

function undecided(notes: readonly InitNote[]): string[] {
  return notes.flatMap((n) => wrap(`${UNDECIDED} ${n.message}`));
}

/** Lines of YAML, to write commented out. */
function yamlLines(value: unknown, indent = ''): string[] {
  return stringify(value, { lineWidth: 0, flowCollectionPadding: true })
    .trimEnd()
    .split('\n')
    .map((l) => indent + l);
}

/** Comment lines for the yaml library: each gets "#" in front; a leading space keeps "# text". */
function comment(lines: readonly string[]): string {
  return lines.map((l) => (l === '' ? '' : ` ${l}`)).join('\n');
}

/** Long text as lines of at most ~100 characters, broken at spaces. */
function wrap(text: string, width = 100): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
