"""`openpsap demo --jurisdiction helsinki`: set the Helsinki demo up and say how to use it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from openpsap.errors import CADError
from openpsap.jurisdiction import helsinki

console = Console(soft_wrap=True)


def run(runner, database, folder: Path, *, host: str, port: int,  # noqa: ANN001 - CommandRunner, Database
        credentials: Callable) -> None:
    import typer

    try:
        with runner.unit_of_work(actor="demo-setup") as uow:
            counts = helsinki.seed(uow)
    except CADError as exc:
        console.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(code=1) from None
    made = credentials(runner)
    database.dispose()
    table = Table(title="demo users (passwords made for this demo only)")
    for col in ("user", "password", "roles"):
        table.add_column(col)
    for name, password, roles in made:
        table.add_row(name, password, ", ".join(roles))
    done = counts["import"]
    console.print(f"imported central Helsinki ({done['road_km']} km of road, {done['turn_restrictions']} turn "
                  f"restrictions, {done['address_points']:,} address points) and seeded {counts['stations']} stations "
                  f"and {counts['units']} units (illustrative: only the Erottaja fire station is real) into {folder}")
    console.print(helsinki.ATTRIBUTION)
    console.print(table)
    console.print(f"Console: http://{host}:{port}/ (log in as calltaker or dispatcher above). Take a call at "
                  f"'{helsinki.DEMO_CALL}': it geocodes to its address point, and the recommendation goes by road, "
                  "one-ways and turn restrictions included. The map is drawn from the road network (no basemap).")
