"""Labelled triage texts: the scenario corpus shipped in the package, and evaluation files (CSV or JSONL). PURE.

CSV: columns `text` and `urgency` (the real-transcript files' `Text` and `Class` are accepted too), and
optionally one column per flag (1/0, true/false, yes/no). JSONL: objects with `text`, `urgency` and optionally
`flags` (a list: then every flag counts as labelled), `disciplines`, `id`, `incident_type` (APCO code) and
`group` (a hard-case group: the evaluation reports each group's figures). CSV may carry the last two as columns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from openpsap.triage.features import FLAG_NAMES

URGENCIES = ("High", "Medium", "Low")
DISCIPLINES = ("police", "fire", "ems")
TEXT_COLUMNS = ("text", "Text", "transcript")
URGENCY_COLUMNS = ("urgency", "Urgency", "Class", "class")
TRUE, FALSE = {"1", "true", "yes", "y", "t"}, {"0", "false", "no", "n", "f", ""}
MAX_FILE_BYTES = 50_000_000


class CorpusError(ValueError):
    """A labelled file that cannot be read; the message says which line and why."""


@dataclass(frozen=True)
class Labelled:
    id: str
    text: str
    urgency: str
    flags: frozenset[str] | None = None  # None: the file does not label flags
    labelled_flags: frozenset[str] = frozenset()
    disciplines: frozenset[str] | None = None
    incident_type: str | None = None  # an APCO code, when the file labels it
    group: str | None = None  # the hard-case group, when the file names one (per-group figures)


def read(path: Path) -> list[Labelled]:
    if not path.is_file():
        raise CorpusError(f"{path}: no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CorpusError(f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    records = read_jsonl(text, path.name) if path.suffix in (".jsonl", ".json") else read_csv(text, path.name)
    if not records:
        raise CorpusError(f"{path}: no labelled rows")
    return records


def read_jsonl(text: str, name: str = "input") -> list[Labelled]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{name} line {n}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise CorpusError(f"{name} line {n}: expected an object with text and urgency")
        flags = row.get("flags")
        if flags is not None and (not isinstance(flags, list) or not set(flags) <= set(FLAG_NAMES)):
            raise CorpusError(f"{name} line {n}: flags must be a list of {', '.join(FLAG_NAMES)}")
        disciplines = row.get("disciplines")
        if disciplines is not None and (not isinstance(disciplines, list) or not set(disciplines) <= set(DISCIPLINES)):
            raise CorpusError(f"{name} line {n}: disciplines must be a list of police, fire, ems")
        out.append(_labelled(row.get("id", str(n)), row.get("text"), row.get("urgency"), name, n,
                             frozenset(flags) if flags is not None else None,
                             frozenset(FLAG_NAMES) if flags is not None else frozenset(),
                             frozenset(disciplines) if disciplines is not None else None,
                             _optional(row.get("incident_type")), _optional(row.get("group"))))
    return out


def read_csv(text: str, name: str = "input") -> list[Labelled]:
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    text_col = next((c for c in TEXT_COLUMNS if c in columns), None)
    urgency_col = next((c for c in URGENCY_COLUMNS if c in columns), None)
    if text_col is None or urgency_col is None:
        raise CorpusError(f"{name}: needs columns 'text' and 'urgency' (found: {', '.join(columns) or 'none'})")
    flag_cols = [c for c in columns if c in FLAG_NAMES]
    out = []
    for n, row in enumerate(reader, 2):
        flags = set()
        for c in flag_cols:
            value = (row.get(c) or "").strip().lower()
            if value not in TRUE | FALSE:
                raise CorpusError(f"{name} line {n}: column {c} must be 1/0, true/false or yes/no, not {value!r}")
            if value in TRUE:
                flags.add(c)
        out.append(_labelled(row.get("id") or str(n - 1), row.get(text_col), row.get(urgency_col), name, n,
                             frozenset(flags) if flag_cols else None, frozenset(flag_cols), None,
                             _optional(row.get("incident_type")), _optional(row.get("group"))))
    return out


def _optional(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _labelled(id_, text, urgency, name, n, flags, labelled_flags, disciplines=None, incident_type=None,  # noqa: ANN001
              group=None) -> Labelled:
    if not isinstance(text, str):
        raise CorpusError(f"{name} line {n}: text is missing")
    if urgency not in URGENCIES:
        raise CorpusError(f"{name} line {n}: urgency must be High, Medium or Low, not {urgency!r}")
    return Labelled(str(id_), text, urgency, flags, labelled_flags, disciplines, incident_type, group)


def corpus_dir():
    return files("openpsap.data").joinpath("triage_corpus")


def training_corpus() -> list[Labelled]:
    """The scenario corpus minus its held-out split (train*.jsonl)."""
    out = []
    for item in sorted(corpus_dir().iterdir(), key=lambda p: p.name):
        if item.name.startswith("train") and item.name.endswith(".jsonl"):
            out += read_jsonl(item.read_text(encoding="utf-8"), item.name)
    return out


def heldout_path() -> Path:
    return Path(str(corpus_dir().joinpath("heldout.jsonl")))


def fingerprint(records: list[Labelled]) -> str:
    digest = hashlib.sha256()
    for r in records:
        digest.update(json.dumps([r.id, r.text, r.urgency, sorted(r.flags or ()), sorted(r.disciplines or ())]).encode())
    return digest.hexdigest()
