/**
 * The tool images the module runs steps in. Pinned, so a pipeline run today
 * and next month uses the same git, helm and docker CLI.
 */
export const GIT_IMAGE = 'alpine/git:v2.47.2';
export const HELM_IMAGE = 'alpine/helm:3.17.3';
export const DOCKER_CLI_IMAGE = 'docker:27.5-cli';
export const TOOLS_IMAGE = 'alpine:3.21';
