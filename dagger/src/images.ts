/**
 * The tool images the module runs steps in. Pinned, so a pipeline run today
 * and next month uses the same git, helm and docker CLI.
 */
export const GIT_IMAGE = 'alpine/git:v2.47.2';
export const HELM_IMAGE = 'alpine/helm:3.17.3';
/** Has `docker compose` (the v2 plugin), and talks to the caller's engine through --docker-socket. */
export const DOCKER_CLI_IMAGE = 'docker:27.5-cli';
