#!/usr/bin/env bash
# Installs openpsap and starts the San Francisco demo on SQLite. Extra arguments go to `openpsap demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/openpsap demo "$@"
