#!/usr/bin/env bash
# The main job on the bundled example monorepo: build every image of
# examples/dsx-connect into the local Docker image store, then show status.
# Starts Docker if it is not running (scripts/testbed.sh). Without network
# access to Docker Hub, the images are built on a local busybox base instead
# of python:3.12-slim (same Dockerfiles, BASE_IMAGE build arg).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/tsx ] || npm ci --no-audit --no-fund
node scripts/build.mjs --package-only   # the CLI bundle (bin/lanes.js falls back to the sources without it)
docker info >/dev/null 2>&1 && docker image inspect lanes-test-base:1 >/dev/null 2>&1 || bash scripts/testbed.sh
args=()
if ! docker image inspect python:3.12-slim >/dev/null 2>&1 && ! timeout 20 docker pull -q python:3.12-slim >/dev/null 2>&1; then
  echo "python:3.12-slim cannot be pulled here: building on the local base lanes-test-base:1" >&2
  args+=(--build-arg BASE_IMAGE=lanes-test-base:1)
fi
npx lanes build-all-local --source examples/dsx-connect "${args[@]}" "$@"
npx lanes status --source examples/dsx-connect
