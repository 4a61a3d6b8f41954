"""`openpsap cap export`: the current public alerts as CAP 1.2 files (or printed), each valid against the OASIS
schema; a folder it cannot write is a clear error."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from openpsap.cli import app as cli_app
from openpsap.db import Database
from openpsap.interop.cap import xsd
from tests.conftest import build_api, open_incident

ALERT = {"event": "gas leak", "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",
         "headline": "Gas leak: keep away from Fell St", "instruction": "Keep away.",
         "area": {"description": "Fell St near Gough St", "circle": {"lat": 37.7765, "lon": -122.426, "radius_km": 0.5}}}


def test_the_command_line_writes_each_current_alert_as_a_valid_cap_file_or_prints_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    made = runner.invoke(cli_app, ["db", "upgrade", "--database-url", url])
    assert made.exit_code == 0, made.output
    api = build_api(Database(url))
    with api.client:
        incident = open_incident(api, "FSTRU")
        ids = [api.post("supervisor", f"/incidents/{incident}/alerts", ALERT).json()["id"] for _ in range(2)]
        assert api.post("supervisor", f"/alerts/{ids[1]}/cancel", {"note": "all clear"}).status_code == 200
    api.database.dispose()

    out = runner.invoke(cli_app, ["cap", "export", "--out", str(tmp_path / "alerts"), "--database-url", url])
    assert out.exit_code == 0, out.output
    assert "wrote 2 CAP alert file(s)" in out.output
    files = sorted((tmp_path / "alerts").glob("*.xml"))
    assert sorted(f.stem for f in files) == sorted(ids)
    for file in files:
        assert xsd.problems(file.read_bytes()) == []
    assert b"<msgType>Cancel</msgType>" in (tmp_path / "alerts" / f"{ids[1]}.xml").read_bytes()

    printed = runner.invoke(cli_app, ["cap", "export", "--database-url", url])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout_bytes.count(b"<?xml") == 2

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    refused = runner.invoke(cli_app, ["cap", "export", "--out", str(blocked), "--database-url", url])
    assert refused.exit_code == 1 and "cannot write" in refused.output
