"""Builds src/openpsap/data/sf_blocks.csv: the mean location of each '<N> Block of <STREET>' address
seen in the SF week of fire calls (DataSF, PDDL), for block-address geocoding.

    .venv/bin/python scripts/build_sf_blocks.py [../shared/data/sf/sffd_calls_2016-12-31_to_2017-01-07.csv.gz]
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

from openpsap.geo.geocoder import blocks_from_calls

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "sf" / "sffd_calls_2016-12-31_to_2017-01-07.csv.gz"


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not source.exists():
        sys.exit(f"{source} not found (the SF calls file lives in ../shared/data/sf)")
    rows = []
    with gzip.open(source, "rt", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            loc = r["Location"].strip("()").split(",")
            if len(loc) == 2:
                rows.append((r["Address"], float(loc[0]), float(loc[1])))
    blocks = blocks_from_calls(rows)
    out = ROOT / "src" / "openpsap" / "data" / "sf_blocks.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["block", "street", "lat", "lon"])
        for (block, street), (lat, lon) in sorted(blocks.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            w.writerow([block, street, f"{lat:.6f}", f"{lon:.6f}"])
    print(f"{len(blocks)} blocks -> {out}")


if __name__ == "__main__":
    main()
