import { posix } from 'node:path';
import type { Component } from '../config/model.js';
import type { Workspace } from '../workspace/workspace.js';
import { buildInputsDigest, imageLabels } from './image-labels.js';
import { BUILD_INPUTS_KEY, REVISION_KEY } from '../registry/published.js';
import type { PlanOptions } from './options.js';
import type { Step } from './types.js';

/** The build-image step of a component, tagged with `tags`. */
export function buildImageStep(ws: Workspace, c: Component, version: string, tags: string[], opts: PlanOptions): Step & { kind: 'build-image' } {
  const image = c.image!;
  const buildArgs = { ...image.buildArgs, ...opts.buildArgs };
  const inputs = buildInputsDigest({ kind: 'image', context: image.context, dockerfile: image.dockerfile, target: image.target, platforms: [...image.platforms].sort(), buildArgs });
  return {
    id: `build:${c.name}`,
    needs: [],
    component: c.name,
    kind: 'build-image',
    context: image.context,
    dockerfile: image.dockerfile,
    ...(image.target ? { target: image.target } : {}),
    buildArgs,
    labels: imageLabels(ws, c.name, version, opts.now ?? new Date(0).toISOString(), inputs),
    tags,
    platforms: image.platforms,
  };
}

/**
 * The package-chart step: `helm package --version V --app-version V` into the
 * output directory; `values` (key path -> value) are set in the packaged copy's
 * values.yaml (the lane's image), and count among its build inputs.
 */
export function packageChartStep(ws: Workspace, c: Component, version: string, opts: PlanOptions, needs: string[] = [], values?: Record<string, string>): Step & { kind: 'package-chart' } {
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
    // Recorded in the chart's metadata, so a re-run can tell its own upload from someone else's (revision and build inputs).
    annotations: {
      ...(ws.repo.head ? { [REVISION_KEY]: ws.repo.head } : {}),
      // The values the packaged copy gets (the lane's image) are inputs: a dev chart points at the dev image.
      [BUILD_INPUTS_KEY]: buildInputsDigest({ kind: 'chart', chartPath: chart.path, version, appVersion: version, values: values ?? {} }),
    },
    ...(values ? { values } : {}),
    output: posix.join(outDir, 'charts', `${chart.name}-${version}.tgz`),
  };
}
