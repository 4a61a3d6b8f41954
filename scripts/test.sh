#!/usr/bin/env bash
# Installs openpsap with its test tools and runs the whole test suite, on SQLite and PostgreSQL.
# PostgreSQL: OPENPSAP_TEST_DATABASE_URL, default the local server's `test` database.
# Extra arguments go to pytest (e.g. -k stream, -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export OPENPSAP_TEST_DATABASE_URL=${OPENPSAP_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
if ! .venv/bin/python - <<'PY'
import os, sys
import psycopg
url = os.environ["OPENPSAP_TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
try:
    psycopg.connect(url, connect_timeout=5).close()
except Exception as exc:
    sys.exit(f"PostgreSQL is not reachable at {url}: {exc}\n"
             "Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) "
             "or point OPENPSAP_TEST_DATABASE_URL at a server.")
PY
then
  exit 1
fi
exec .venv/bin/pytest "$@"
