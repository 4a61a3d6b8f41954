"""The value registries openpsap speaks: APCO incident types and NENA EIDO registries (package data).

Loaded once and cached. Pure: no web, no database.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class IncidentType:
    code: str
    name: str  # the registry's text (often a list of what the type includes)
    definition: str
    short: str = ""  # the words a dispatcher uses (data/incident_type_names.yaml)


# NIEM 5.2 spells one code differently from the APCO/EIDO registry; accept it, store the registry's.
INCIDENT_TYPE_ALIASES = {"XTRACATE": "XTRICATE"}


@cache
def incident_types() -> dict[str, IncidentType]:
    """The 245 APCO ANS 2.103.2-2019 codes of the EIDO registry (Table 3.2), keyed by code."""
    import yaml

    text = files("openpsap.data").joinpath("incident_types.csv").read_text(encoding="utf-8")
    short = yaml.safe_load(files("openpsap.data").joinpath("incident_type_names.yaml").read_text(encoding="utf-8"))
    rows = csv.DictReader(text.splitlines())
    return {
        r["code"]: IncidentType(r["code"], r["name_apco_2_103_2_2019"], r["niem_apco_2_103_1_2012_definition"],
                                str(short.get(r["code"]) or r["name_apco_2_103_2_2019"]))
        for r in rows
        if r["in_eido_registry"] == "True"
    }


@cache
def _eido() -> dict[str, list[dict[str, str]]]:
    return json.loads(files("openpsap.data").joinpath("eido_registries.json").read_text(encoding="utf-8"))


def eido_registry(name: str) -> dict[str, str]:
    """value -> literal description for an EIDO registry (e.g. 'dispositions', 'incident_status')."""
    return {row["value"]: row["description"] for row in _eido()[name]}


def dispositions() -> dict[str, str]:
    return eido_registry("dispositions")
