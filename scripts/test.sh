#!/usr/bin/env bash
# The test command: build, type-check, lint and format check, then every suite: unit, component and
# end-to-end (real Docker Engines in a lab, driven by the real Docker CLI). Needs root for the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
npm run typecheck
npm run lint
npx vitest run "$@"
