"""Redaction of a public summary draft: what the public may read of a call. PURE.

It errs on the side of removing. Removed, each replaced by a bracketed word the reader understands:
- e-mail addresses, URLs and phone numbers (any 7+ digit run, with or without separators) -> [contact]
- street addresses (a number followed by words and a street suffix, or 'Fell and Gough' style
  intersections are kept only at block level elsewhere) -> [address]
- ages ('6', 'age 6', '6-year-old', '6 years old', 'aged 6') -> [age]
- licence plates (mixed letters and digits, 5-8 characters, or after 'plate'/'licence') -> [plate]
- names: any capitalised word not on the allow-list of public words (days, months, agencies, the city,
  911 terms, and common words that start a sentence) -> [name]; after 'named', 'Mr', 'Ms',
  'Mrs', 'Dr' the next word goes too, capitalised or not, and so does a word set off by commas after a
  person ('the boy, jamal, ...')
- any remaining number of 3 or more digits, except 911 -> [number]
- spelled out too: 'jo dot smith at gmail dot com' -> [contact]; 'six years old', 'aged six', ', six,' -> [age];
  three or more number words in a row ('five five five one two') -> [number]; a street named without a house
  number ('on Oak Lane', 'near mission street') -> [street]
Then a maintained PII model (Presidio with a spaCy English model: care/pii.py) removes what rules cannot see:
names in any case or with accents, places, phone numbers and ages in other words.
The result says what was removed (kinds and counts, never the values) so a PIO can check it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

ALLOWED = {
    # public words that are capitalised but private to no one
    "i", "911", "sf", "sfpd", "sffd", "ems", "cpr", "aed", "pio", "san", "francisco", "police", "fire", "department",
    "officer", "officers", "paramedic", "paramedics", "engine", "medic", "truck", "station", "dispatch", "dispatcher",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "am", "pm",
    "english", "spanish", "chinese", "the", "a", "an", "he", "she", "they", "we", "it", "this", "that", "after",
    "when", "our", "his", "her", "their", "later", "today", "yesterday", "on", "in", "at", "as", "at", "by",
    "for", "from", "with", "while", "during", "before", "because", "since", "one", "two", "three", "both", "no",
    "nobody", "everyone", "all", "some", "there", "then", "thanks", "thank", "you", "please", "if", "so", "but",
    "and", "or", "also", "instead", "what", "who", "how", "why", "where", "these", "those", "its", "my", "your",
    "an", "each", "every", "many", "most", "several", "units", "crews", "responders", "call", "calls", "caller",
    "callers", "child", "children", "boy", "girl", "man", "woman", "neighbours", "neighbors", "residents", "people",
    "community", "outreach", "team", "teams", "school", "schools", "hospital", "public", "safety", "emergency",
    "medical", "services", "service", "center", "centre", "communications", "city", "county", "state", "united",
    "states", "us", "usa", "california", "bay", "area", "district", "welfare", "check", "no", "yes", "kindness",
}
STREET = (r"(?:st|street|ave|avenue|blvd|boulevard|rd|road|dr|drive|way|ln|lane|ct|court|pl|place|ter|terrace|"
          r"hwy|highway|pkwy|parkway|cir|circle|sq|square|aly|alley)\b\.?")
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("contact", re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")),
    ("contact", re.compile(r"\b(https?://|www\.)\S+", re.I)),
    ("contact", re.compile(r"(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b|\b\d{3}[\s.-]\d{4}\b")),
    ("address", re.compile(r"\b(?!911\b)\d{1,6}\s+(?:[nsew]\.?\s+)?(?:\w+\s+){0,3}?" + STREET, re.I)),
    ("address", re.compile(r"\b(apt|apartment|unit|suite|#)\s*\w+\b", re.I)),
    ("age", re.compile(r"\b\d{1,3}[\s-]*(years?|yrs?|months?)[\s-]*old\b", re.I)),
    ("age", re.compile(r"\b(aged?|age of)\s*\d{1,3}\b", re.I)),
    ("age", re.compile(r"(?<=,)\s*\d{1,3}\s*(?=,)")),  # 'Jamal, 6, of ...'
    ("age", re.compile(r"\b\d{1,3}[\s-]*(year|yr)[\s-]*old\b", re.I)),
    ("plate", re.compile(r"\b(plate|licen[cs]e|tag)(\s+(number|no\.?|#))?\s*:?\s*[A-Z0-9-]{4,8}\b", re.I)),
    ("plate", re.compile(r"\b(?=[A-Z0-9]{5,8}\b)(?=\w*\d)(?=\w*[A-Z])[A-Z0-9]{5,8}\b")),
]
NUMBER_WORDS = (r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                r"hundred)")
SPELLED: list[tuple[str, re.Pattern[str]]] = [
    ("contact", re.compile(r"\b[\w.+-]+(?:\s*(?:\(|\[)?\s*(?:dot|\.)\s*(?:\)|\])?\s*[\w-]+)*\s*(?:\(|\[)?\s*(?:at|@)\s*"
                           r"(?:\)|\])?\s*[\w-]+(?:\s*(?:\(|\[)?\s*(?:dot|\.)\s*(?:\)|\])?\s*[\w-]+)*\s*(?:\(|\[)?\s*"
                           r"(?:dot|\.)\s*(?:\)|\])?\s*(?:com|org|net|edu|gov|us|io|co|info|me)\b", re.I)),
    ("age", re.compile(rf"\b{NUMBER_WORDS}(?:[\s-]+{NUMBER_WORDS})?[\s-]*(?:years?|yrs?|months?)[\s-]*old\b", re.I)),
    ("age", re.compile(rf"\b(?:aged?|age of)\s+{NUMBER_WORDS}(?:[\s-]+{NUMBER_WORDS})?\b", re.I)),
    ("age", re.compile(rf"(?<=,)\s*{NUMBER_WORDS}(?:[\s-]+{NUMBER_WORDS})?\s*(?=,)", re.I)),
    ("number", re.compile(rf"\b{NUMBER_WORDS}(?:[\s,-]+{NUMBER_WORDS}){{2,}}\b", re.I)),
    ("street", re.compile(r"\b(?:(?!(?:on|at|near|in|of|the|a|an|to|from|off|along|by|and|or|alone|home|up|down)\b)"
                          r"[^\W\d_][\w'-]*\s+){1,2}" + STREET, re.I)),
]
NAME_AFTER = re.compile(r"\b(named|mr|ms|mrs|miss|dr|name is|name's)\.?\s+([A-Za-z][\w'-]*)", re.I)
APPOSITION = re.compile(r"\b(boy|girl|child|kid|son|daughter|man|woman|caller|mother|father|mom|dad|brother|sister|"
                        r"resident|neighbou?r|friend|student|teen|teenager|victim|suspect|driver),\s+([A-Za-z][\w'-]*)"
                        r"(?=\s*,)", re.I)
WORD = re.compile(r"[^\W\d_][\w'-]*")  # any letters, accented too
NUMBER = re.compile(r"\b(?!911\b)\d{3,}\b")


@dataclass(frozen=True)
class Redaction:
    text: str
    removed: dict[str, int]


def redact(draft: str, model: Callable[[str, Counter[str]], str] | None = None) -> Redaction:
    """`model(text, removed)`: a further pass (the PII model) over the rules' result; None: rules only."""
    removed: Counter[str] = Counter()
    text = draft.replace("\x00", " ")

    def sub(kind: str, pattern: re.Pattern[str], source: str, group: int = 0) -> str:
        def repl(m: re.Match[str]) -> str:
            removed[kind] += 1
            if group:
                return m.group(0)[: m.start(group) - m.start(0)] + f"[{kind}]"
            return f"[{kind}]"

        return pattern.sub(repl, source)

    for kind, pattern in PATTERNS + SPELLED:
        text = sub(kind, pattern, text)
    text = sub("name", NAME_AFTER, text, group=2)
    text = sub("name", APPOSITION, text, group=2)
    text = _names(text, removed)
    text = sub("number", NUMBER, text)
    if model is not None:
        text = model(text, removed)
    return Redaction(re.sub(r"\s+", " ", text).strip(), dict(removed))


def _names(text: str, removed: Counter[str]) -> str:
    out, last = [], 0
    for m in WORD.finditer(text):
        word = m.group(0)
        if not word[0].isupper() or _public_word(word):
            continue
        if text[max(0, m.start() - 1):m.start()] == "[":
            continue  # our own markers
        out.append(text[last:m.start()] + "[name]")
        removed["name"] += 1
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def _public_word(word: str) -> bool:
    plain = word.lower()
    return plain in ALLOWED or plain.removesuffix("'s") in ALLOWED or plain.rstrip("s") in ALLOWED
