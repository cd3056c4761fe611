#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs npm dependencies if
# needed, starts the real parts (scripts/testbed.sh), type-checks the core and
# the Dagger module, then runs every unit and end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/vitest ] || npm ci --no-audit --no-fund
node scripts/build.mjs --package-only   # the CLI bundle (bin/lanes.js falls back to the sources without it)
bash scripts/testbed.sh
npx tsc -p tsconfig.json
npx tsc -p dagger/tsconfig.check.json
npx vitest run "$@"
