"""Set and read the agency's configuration documents. Each change is a `configuration-changed` event, so it is
audited, survives a rebuild and reaches every server (each reads the current version from the database)."""

from __future__ import annotations

import threading
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.configuration import documents
from openpsap.configuration.models import ConfigurationDocument
from openpsap.errors import Conflict, InvalidInput
from openpsap.units.models import Unit
from openpsap.configuration.events import ConfigurationChanged

_parsed: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = {}  # (database, key) -> ((version, set at), parsed)
_lock = threading.Lock()


def set_document(uow: UnitOfWork, *, key: str, document: Any, source: str, expected_version: int | None = None) -> ConfigurationDocument:
    """Check `document` with the parser the system uses and record it; refused (422) with the reason."""
    try:
        parsed = documents.check(key, document)
    except documents.DocumentError as exc:
        raise InvalidInput(str(exc), field="document") from None
    if key == "response-plans":
        _check_plans_against_roster(uow.session, parsed, response_plans(uow.session))
    row = uow.session.get(ConfigurationDocument, key)
    version = row.version if row is not None else 0
    if expected_version is not None and expected_version != version:
        raise Conflict(f"{key} changed meanwhile (now version {version}, you edited version {expected_version}); "
                       "reload it and make your change again", key=key, version=version)
    if row is not None and row.document == document:
        return row  # the same document again: nothing changes, nothing is recorded
    uow.emit(ConfigurationChanged.model_validate({"key": key, "version": version + 1, "document": document, "source": source[:200]}), "configuration", key)
    return uow.row(ConfigurationDocument, key)


def _check_plans_against_roster(db: Session, plans: Any, in_use: Any) -> None:
    """A slot newly asking only for unit types the roster does not have can never be filled (often a typo):
    refuse it, naming the plan. Types the plans in use already ask for stay allowed (a roster may lack them)."""
    roster = set(db.scalars(select(Unit.unit_type).distinct()))
    if not roster:
        return
    known = roster | {t for plan in in_use.plans.values() for slot in plan.slots for t in slot.types}
    for plan in plans.plans.values():
        for i, slot in enumerate(plan.slots, 1):
            if not slot.types & known:
                raise InvalidInput(
                    f"plan {plan.name!r} slot {i} asks for {' or '.join(sorted(slot.types))}, and the roster has no unit "
                    f"of that type (types in the roster: {', '.join(sorted(roster))})", field="document")


def stored(db: Session, key: str) -> ConfigurationDocument | None:
    documents.kind(key)
    return db.get(ConfigurationDocument, key)


def current(db: Session, key: str, fallback: Callable[[], Any]) -> Any:
    """The parsed document the log last set, or `fallback()` (the shipped file) when it never set one.
    Parsed once per version: a cheap version read per call keeps every server up to date. The memory is per
    database and version (with the time it was set), so two databases in one process never share a document."""
    found = db.execute(select(ConfigurationDocument.version, ConfigurationDocument.changed_at)
                       .where(ConfigurationDocument.key == key)).first()
    if found is None:
        return fallback()
    memo = (str(db.get_bind().engine.url), key)
    hit = _parsed.get(memo)
    if hit is not None and hit[0] == tuple(found):
        return hit[1]
    row = db.get(ConfigurationDocument, key)
    if row is None:  # removed meanwhile (a rebuild): the file again
        return fallback()
    parsed = documents.check(key, row.document)
    with _lock:
        _parsed[memo] = ((row.version, row.changed_at), parsed)
    return parsed


def response_plans(db: Session) -> Any:
    from openpsap.dispatching.plans import default_plans

    return current(db, "response-plans", default_plans)


def care_settings(db: Session, path: str | None) -> Any:
    from openpsap.care import config as care_config

    return current(db, "care", lambda: care_config.load(path or None))


def shipped_document(key: str, care_path: str | None = None) -> dict[str, Any]:
    """What the log falls back on when it never set `key`: the agency's file or the shipped one, as data."""
    from importlib.resources import files
    from pathlib import Path

    documents.kind(key)
    if key == "care" and care_path:
        return documents.read_yaml(Path(care_path).read_text(encoding="utf-8"))
    name = {"response-plans": "response_plans.yaml", "care": "care.yaml"}[key]
    return documents.read_yaml(files("openpsap.data").joinpath(name).read_text(encoding="utf-8"))
