#!/usr/bin/env bash
# The first command for a newcomer: installs what is needed, builds Shoal, brings up a 3-engine lab and
# starts Shoal in front of it. Ctrl-C stops Shoal and tears the lab down. Needs root and Node.js 20.18 or
# later (Debian 12's own nodejs is 18: see the README's "The two commands").
set -euo pipefail
cd "$(dirname "$0")/.."
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 18) ? 0 : 1)' 2>/dev/null; then
  echo "demo: Shoal needs Node.js 20.18 or later; found $(node --version 2>/dev/null || echo 'no node'). Debian 12's nodejs package is 18: see the README." >&2
  exit 1
fi
bash scripts/install-deps.sh
# npm ci again whenever package-lock.json changed since the last install (its hash is stamped in node_modules).
stamp=node_modules/.shoal-lockfile-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci
  echo "$want" > "$stamp"
fi
npm run build --silent
exec node dist/src/cli.js demo "$@"
