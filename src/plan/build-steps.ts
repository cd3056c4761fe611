import { posix } from 'node:path';
import type { Component } from '../config/model.js';
import type { Workspace } from '../workspace/workspace.js';
import { imageLabels } from './image-labels.js';
import type { PlanOptions } from './options.js';
import type { Step } from './types.js';

/** The build-image step of a component, tagged with `tags`. */
export function buildImageStep(ws: Workspace, c: Component, version: string, tags: string[], opts: PlanOptions): Step {
  const image = c.image!;
  return {
    id: `build:${c.name}`,
    needs: [],
    component: c.name,
    kind: 'build-image',
    context: image.context,
    dockerfile: image.dockerfile,
    ...(image.target ? { target: image.target } : {}),
    buildArgs: { ...image.buildArgs, ...opts.buildArgs },
    labels: imageLabels(ws, c.name, version, opts.now ?? new Date(0).toISOString()),
    tags,
    platforms: image.platforms,
  };
}

/** The package-chart step: `helm package --version V --app-version V` into the output directory. */
export function packageChartStep(ws: Workspace, c: Component, version: string, opts: PlanOptions, needs: string[] = []): Step & { kind: 'package-chart' } {
  const chart = c.chart!;
  const outDir = opts.outDir ?? '.lanes/out';
  return {
    id: `package-chart:${c.name}`,
    needs,
    component: c.name,
    kind: 'package-chart',
    chartPath: chart.path,
    version,
    appVersion: version,
    // Recorded in the chart's metadata, so a re-run can tell its own upload from someone else's.
    annotations: ws.repo.head ? { 'org.opencontainers.image.revision': ws.repo.head } : {},
    output: posix.join(outDir, 'charts', `${chart.name}-${version}.tgz`),
  };
}
