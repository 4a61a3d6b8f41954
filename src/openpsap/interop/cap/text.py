"""The text of a public alert checked for private data, as a public summary is (care/redaction.py, then the PII
model of care/pii.py). PURE apart from the model it is given.

An alert is refused, never silently changed: the supervisor sees what was found and rewrites it. Two differences
from a summary, because an alert must say where: a street named without a house number is allowed, and the first
word of a sentence is read in lower case (so 'Evacuate now' is not taken for a name). Everything else the summary
rules remove (names, phone numbers, e-mails, house addresses, ages, plates, numbers of three or more digits other
than 911, and what the model finds) refuses the alert.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from openpsap.care.redaction import redact
from openpsap.errors import InvalidInput

ALLOWED_KINDS = {"street", "model_unavailable"}
SENTENCE_START = re.compile(r"(^|[.!?:;\n]\s*|[(\"']\s*|\s[-\u2013\u2014]\s+)([A-Z])(?=[a-z])")
Model = Callable[[str, Counter[str]], str] | None


def _sentence_starts_lowered(text: str) -> str:
    return SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).lower(), text)


def findings(text: str, model: Model) -> tuple[dict[str, int], str]:
    """What in `text` looks private (kind -> count, allowed kinds left out) and the text with it marked."""
    r = redact(_sentence_starts_lowered(text), model)
    return {k: v for k, v in r.removed.items() if k not in ALLOWED_KINDS}, r.text


def check(fields: Mapping[str, str | None], model: Model) -> None:
    """Raise InvalidInput naming each field that holds what looks like private data (kinds, counts, and the field as
    the rules mark it), so nothing of the alert is written."""
    found: dict[str, dict[str, int]] = {}
    marked: dict[str, str] = {}
    for name, text in fields.items():
        if not text:
            continue
        kinds, as_marked = findings(text, model)
        if kinds:
            found[name], marked[name] = kinds, as_marked
    if found:
        said = "; ".join(f"{name}: " + ", ".join(f"{kind} x{n}" for kind, n in sorted(kinds.items()))
                         for name, kinds in found.items())
        raise InvalidInput(
            f"the alert's text holds what looks like private data ({said}). An alert carries no names, phone numbers, "
            "house addresses, ages, plates or other numbers; streets may be named. Write common words in lower case "
            "and send it again.", field=next(iter(found)), found=found, marked=marked)
