"""The API against its own OpenAPI document, fuzzed by schemathesis against the real server (bounded: a few
examples per operation, a fixed seed): no 5xx, only documented status codes, responses and content types as
documented, schema-violating requests refused, on SQLite and on PostgreSQL. The long campaign is the same command
with more examples (docs/operations.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import PASSWORD, PG_URL
from tests.live_server import fresh_postgres, live_server

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "negative_data_rejection,missing_required_header,unsupported_method")
# sign-outs and disabling would end the fuzzer's own session midway
SKIP = "logout|revoke|disable|sign-out"


def _seed(url: str) -> None:
    from openpsap.auth import service as auth_service
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.db import Database
    from openpsap.migrate import upgrade
    from tests.conftest import seed_small_roster

    upgrade(url)
    db = Database(url)
    runner = CommandRunner(db)
    seed_small_roster(runner)
    with runner.unit_of_work(actor="setup") as uow:
        auth_service.add_user(uow, username="sup", password=PASSWORD, roles=["supervisor"])
        auth_service.add_user(uow, username="adm", password=PASSWORD, roles=["admin"])
    db.dispose()


@pytest.mark.parametrize("storage", ["sqlite", "postgresql"])
def test_the_api_keeps_to_its_openapi_document_under_fuzzing(tmp_path: Path, storage: str) -> None:
    if shutil.which("schemathesis") is None and not Path(sys.executable).with_name("schemathesis").exists():
        pytest.skip("schemathesis is missing: bash scripts/setup.sh test")
    if storage == "postgresql":
        if not PG_URL:
            pytest.skip("set OPENPSAP_TEST_DATABASE_URL to run on PostgreSQL")
        url = fresh_postgres(PG_URL, "openpsap_fuzz")
    else:
        url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    _seed(url)
    with live_server(url) as base:
        for user, only in (("sup", None), ("adm", "configuration|stations|agencies|users|units")):
            token = httpx.post(f"{base}/auth/login", json={"username": user, "password": PASSWORD}, timeout=10).json()["token"]
            cmd = [str(Path(sys.executable).with_name("schemathesis")), "run", f"{base}/openapi.json",
                   "-H", f"Authorization: Bearer {token}", "--checks", CHECKS, "--max-examples", "4", "--seed", "1",
                   "--workers", "1", "--exclude-path-regex", SKIP, "--no-color",  # threads trip a CPython 3.11 ast bug
                   "--phases", "examples,coverage,fuzzing"]
            if only:
                cmd += ["--include-path-regex", only]
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path,
                                 env={**os.environ, "SCHEMATHESIS_HOOKS": ""})
            assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
