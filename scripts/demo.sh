#!/usr/bin/env bash
# The first command for a newcomer: installs what is needed, builds Shoal, brings up a 3-engine lab and
# starts Shoal in front of it. Ctrl-C stops Shoal and tears the lab down.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -d node_modules ] || npm ci
npm run build --silent
exec node dist/src/cli.js demo "$@"
