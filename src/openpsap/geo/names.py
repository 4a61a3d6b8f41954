"""Street-name normalisation: 'Market St', 'MARKET STREET' and 'market street' are one street."""

from __future__ import annotations

import re
import unicodedata

SUFFIXES = {
    "STREET": "ST", "ST": "ST", "AVENUE": "AVE", "AVE": "AVE", "AV": "AVE", "BOULEVARD": "BLVD", "BLVD": "BLVD",
    "DRIVE": "DR", "DR": "DR", "ROAD": "RD", "RD": "RD", "PLACE": "PL", "PL": "PL", "COURT": "CT", "CT": "CT",
    "LANE": "LN", "LN": "LN", "TERRACE": "TER", "TER": "TER", "WAY": "WAY", "ALLEY": "ALY", "ALY": "ALY",
    "HIGHWAY": "HWY", "HWY": "HWY", "CIRCLE": "CIR", "CIR": "CIR", "PLAZA": "PLZ", "PLZ": "PLZ",
    "EXPRESSWAY": "EXPY", "PARKWAY": "PKWY", "PKWY": "PKWY", "TUNNEL": "TUNL", "LOOP": "LOOP", "WALK": "WALK",
}
DIRECTIONS = {"NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "N": "N", "S": "S", "E": "E", "W": "W"}
ORDINAL_WORDS = {
    "FIRST": "1ST", "SECOND": "2ND", "THIRD": "3RD", "FOURTH": "4TH", "FIFTH": "5TH", "SIXTH": "6TH",
    "SEVENTH": "7TH", "EIGHTH": "8TH", "NINTH": "9TH", "TENTH": "10TH",
}


def _ordinal(token: str) -> str:
    """'5' -> '5TH', '03RD' -> '3RD' (SF data writes '03RD ST')."""
    m = re.fullmatch(r"0*(\d+)(ST|ND|RD|TH)?", token)
    if not m:
        return ORDINAL_WORDS.get(token, token)
    n = int(m.group(1))
    suffix = "TH" if 10 <= n % 100 <= 20 else {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")
    return f"{n}{suffix}"


def normalise(name: str) -> str:
    """Upper case, accents dropped ('Hämeentie' and 'Hameentie' are one street), punctuation to spaces."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    tokens = re.sub(r"[^A-Za-z0-9 ]", " ", plain.upper()).split()
    if not tokens:
        return ""
    out = [_ordinal(t) for t in tokens]
    if len(out) > 1 and out[-1] in SUFFIXES:
        out[-1] = SUFFIXES[out[-1]]
    if len(out) > 1 and out[0] in DIRECTIONS and out[0] in ("NORTH", "SOUTH", "EAST", "WEST"):
        out[0] = DIRECTIONS[out[0]]
    return " ".join(out)


def base(name: str) -> str:
    """The name without its suffix: '5TH ST' -> '5TH' (callers often leave the suffix out)."""
    parts = name.split()
    return " ".join(parts[:-1]) if len(parts) > 1 and parts[-1] in SUFFIXES.values() else name
