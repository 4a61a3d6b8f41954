"""The Atom feed (RFC 4287) of the current public alerts: one entry per alert, linking to its CAP message. PURE
(lxml builds it)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
_FEED_NAMESPACE = uuid.UUID("2f0d8a4e-7c1b-5e8f-9a11-0c0a12000911")


def _atom_time(cap_time: str) -> str:
    return datetime.fromisoformat(cap_time).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def build(*, sender: str, base_url: str, entries: Sequence[dict[str, Any]], now: datetime) -> bytes:
    """`entries`: each alert's id, msg_type, sent, cancelled, info (headline, event, description, category,
    expires). The feed's updated time is the newest entry's, or `now` when there is none."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _add(feed, "id", f"urn:uuid:{uuid.uuid5(_FEED_NAMESPACE, sender)}")
    _add(feed, "title", f"Public alerts from {sender}")
    newest = max((_atom_time(e["sent"]) for e in entries), default=now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    _add(feed, "updated", newest)
    _add(feed, "link", rel="self", type=MEDIA_TYPE, href=f"{base_url}/public/alerts.atom")
    author = _add(feed, "author")
    _add(author, "name", sender)
    _add(feed, "generator", "openpsap")
    for entry in entries:
        info = entry["info"]
        item = _add(feed, "entry")
        _add(item, "id", f"urn:uuid:{entry['id']}")
        title = info.get("headline") or info["event"]
        _add(item, "title", f"Cancelled: {title}" if entry["cancelled"] else title)
        _add(item, "updated", _atom_time(entry["sent"]))
        _add(item, "link", rel="alternate", type="application/cap+xml",
             href=f"{base_url}/public/alerts/{entry['id']}.xml")
        _add(item, "category", term=info["category"])
        summary = entry.get("note") if entry["cancelled"] else info.get("description")
        _add(item, "summary", (summary or info["event"]) + f" (expires {info['expires']})")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8")
