"""`openpsap report`: the KPI report of a replay run (HTML with plots, JSON, CSV), or the what-if
comparison of two runs (--compare RUN_A RUN_B). Thin: options in, reports.build / render / compare out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from openpsap.config import DEFAULT_DATA_DIR

console = Console(soft_wrap=True)  # messages whole, whatever the terminal width (paths can be long)


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


def parse_when(text: str | None, option: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{option} {text!r}: write an ISO date or time, e.g. 2017-01-02 or 2017-01-02T08:00Z") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _latest_run() -> Path:
    folder = DEFAULT_DATA_DIR / "replays"
    runs = sorted(folder.glob("*/run.json"), key=lambda p: p.stat().st_mtime) if folder.exists() else []
    if not runs:
        _fail(f"no replay run found in {folder}; run `openpsap replay SOURCE` first or pass --run DIR")
    return runs[-1].parent


def report(
    run: Annotated[Path | None, typer.Option(help="Run folder written by `openpsap replay` (default: the latest).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Only calls received at or after this UTC time (ISO).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Only calls received before this UTC time (ISO).")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for report.html, report.json, report.csv "
                                                  "(default: <run>/report).")] = None,
    compare: Annotated[tuple[Path, Path] | None, typer.Option(help="Compare two runs (e.g. before and after a what-if "
                                                                      "plan): RUN_A RUN_B.")] = None,
) -> None:
    """Write the centre's KPI report of a replay: calls by hour and day, call processing and response
    times by priority and unit type (simulated beside historical), unit utilisation, moments with no
    suitable unit, NENA answer-time compliance where the source has phone data."""
    from openpsap.reports.build import ReportError, build
    from openpsap.reports.compare import compare as compare_runs
    from openpsap.reports.compare import write as write_compare
    from openpsap.reports.render import write

    t0, t1 = parse_when(start, "--from"), parse_when(end, "--to")
    if t0 and t1 and t0 >= t1:
        raise typer.BadParameter("--from must be before --to")
    try:
        if compare:
            a, b = compare
            result = compare_runs(a, b, t0, t1)
            files = write_compare(result, out or b / "compare")
            for line in result["summary"]:
                console.print(line)
        else:
            folder = run or _latest_run()
            built = build(folder, t0, t1)
            files = write(built, out or folder / "report", title=f"openpsap replay report: {Path(built['run']['source']).name}")
            s, h = built["response_all"]["simulated"], built["response_all"]["historical"]
            console.print(f"{built['calls']['simulated']} calls; response p50/p90 simulated "
                          f"{s['p50']}/{s['p90']} s, historical {h['p50']}/{h['p90']} s; "
                          f"{built['no_unit_available']['incidents']} incidents found no suitable unit free")
    except ReportError as exc:
        _fail(str(exc))
    for f in files:
        console.print(f"wrote {f}")
