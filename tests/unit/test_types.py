"""Types: mypy passes on the engine (the event log, commands, projector, rebuild, database, errors) and on the pure
domain rules (lifecycles, plans, nearby, shift figures, routing, directions, redaction, configuration documents).
The list grows as packages are cleaned; a file on it that stops type-checking fails here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = [
    "src/openpsap/eventlog", "src/openpsap/commands.py", "src/openpsap/projector.py", "src/openpsap/rebuild.py",
    "src/openpsap/errors.py", "src/openpsap/db.py", "src/openpsap/idempotency.py", "src/openpsap/clock.py",
    "src/openpsap/backup.py", "src/openpsap/incidents/lifecycle.py", "src/openpsap/incidents/nearby.py",
    "src/openpsap/incidents/priority.py", "src/openpsap/units/lifecycle.py", "src/openpsap/units/enums.py",
    "src/openpsap/units/field_scope.py", "src/openpsap/units/avl.py", "src/openpsap/dispatching/plans.py",
    "src/openpsap/supervision/shift.py", "src/openpsap/routing", "src/openpsap/mdt/directions.py",
    "src/openpsap/configuration/documents.py", "src/openpsap/care/redaction.py", "src/openpsap/care/config.py",
    "src/openpsap/api/listen.py", "src/openpsap/api/openapi.py", "src/openpsap/api/requestlog.py",
]


def test_the_engine_and_the_pure_domain_rules_type_check() -> None:
    mypy = Path(sys.executable).with_name("mypy")
    if not mypy.exists() and shutil.which("mypy") is None:
        pytest.skip("mypy is missing: bash scripts/setup.sh test")
    run = subprocess.run([str(mypy) if mypy.exists() else "mypy", "--ignore-missing-imports", "--follow-imports=silent",
                          "--no-error-summary", *CHECKED], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
