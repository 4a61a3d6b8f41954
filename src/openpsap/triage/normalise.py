"""Text normalisation for triage. PURE."""

from __future__ import annotations

import re

CONTRACTIONS = {
    r"\bwon'?t\b": "will not", r"\bcan'?t\b": "can not", r"\bcannot\b": "can not", r"\bisn'?t\b": "is not",
    r"\baren'?t\b": "are not", r"\bdoesn'?t\b": "does not", r"\bdon'?t\b": "do not", r"\bdidn'?t\b": "did not",
    r"\bwasn'?t\b": "was not", r"\bwouldn'?t\b": "would not", r"\bhasn'?t\b": "has not", r"\bain'?t\b": "is not",
    r"\bi'?m\b": "i am", r"\bhe'?s\b": "he is", r"\bshe'?s\b": "she is", r"\bit'?s\b": "it is",
    r"\bthey'?re\b": "they are", r"\bwe'?re\b": "we are", r"\byou'?re\b": "you are", r"\bgonna\b": "going to",
    r"\bwanna\b": "want to",
}
_COMPILED = [(re.compile(p), r) for p, r in CONTRACTIONS.items()]


def normalise(text: str) -> str:
    """Lower case, contractions expanded ('won't' -> 'will not'), punctuation to spaces, except [..] markers."""
    out = text.lower().replace("\u2019", "'")
    for pattern, replacement in _COMPILED:
        out = pattern.sub(replacement, out)
    out = re.sub(r"[^\w\s\[\]']", " ", out).replace("'", "")
    return re.sub(r"\s+", " ", out).strip()


def non_english_share(text: str) -> float:
    """Share of letters outside ASCII (other scripts, accents): a cheap 'is this English?' signal."""
    letters = [c for c in text if c.isalpha()]
    return sum(not c.isascii() for c in letters) / len(letters) if letters else 0.0


SPANISH = re.compile(r"\b(ayuda|por favor|necesito|mi (mam[aá]|esposo|hijo|casa)|no respira|se muere|fuego|ambulancia|policía|policia)\b")


def looks_non_english(text: str) -> bool:
    return non_english_share(text) > 0.3 or len(SPANISH.findall(text.lower())) >= 1
