#!/usr/bin/env bash
# Installs openpsap and what it needs into .venv (idempotent), and the console's front-end packages
# from npm into src/openpsap/console/static/vendor. Usage: scripts/setup.sh [test]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "test" ]; then
  .venv/bin/python -m pip install --quiet -e '.[test]'
else
  .venv/bin/python -m pip install --quiet -e .
fi
# The console's map (Leaflet, protomaps-leaflet) comes from npm; without it the console works without a map.
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error
  node scripts/build_console.mjs
else
  echo "WARNING: npm not found: the console will run without its map (apt-get install -y nodejs npm, then rerun)" >&2
fi
