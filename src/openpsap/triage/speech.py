"""What the caller said, sentence by sentence, with the call-taker's words taken out. PURE.

A transcript carries both voices ("911 what is your emergency ... is he breathing ... i don't think so"). The
call-taker's stock phrases and questions are not what the caller reports, so they must trigger no cue: "does he
have a weapon" is a question, "he has a weapon" is a report. Questions are recognised by their inverted word
order (auxiliary verb before the subject), which the caller's reports do not have. Negation is read inside a
sentence only: "nobody was hurt. he is not breathing" has one negated and one live sign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpsap.triage.normalise import normalise

SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\n+|\s+-{1,2}\s+")

_SUBJECT = (r"(he|she|they|you|it|anyone|anybody|someone|somebody|everyone|everybody|there|the (person|patient|baby"
            r"|child|kid|man|woman|guy|driver|victim|caller|suspect)|your \w+|his \w+|her \w+)")
# The call-taker's questions: auxiliary + subject + up to three words ("is he breathing", "does she have a gun",
# "are there any weapons"), and the stock phrases of call-taking.
_WORD = r"(?!(he|she|they|i|we|it|you|my|his|her|their|is|are|was|were|not|no|never|nobody|has|have|will|can)\b)\w+"
_TRAIL = rf"( {_WORD})"
CALL_TAKER = [re.compile(p) for p in (
    rf"\b(does|do|did) {_SUBJECT} (have|has|got|own|carry|take|use|see|know|need|want){_TRAIL}{{0,2}}",
    rf"\b(is|are|was|were|does|do|did|has|have) {_SUBJECT}{_TRAIL}{{0,3}}",
    r"\b(what|where) is the (address|location)( of (your|the) emergency)?\b",
    r"\b(what|where) is your (emergency|address|location|name|phone number|number|callback number)\b",
    r"\b(what is|what is going on|what happened|where are you|how old is (he|she|they|the \w+)|how old are you"
    r"|how many (people|of them)( are| were)?( there| hurt| injured| inside)?)\b",
    r"\b(9 ?1 ?1|nine one one)( \w+){0,2} (what|where) is( the)?( address( of)?)? (your|the) emergency\b",
    r"\b(police|sheriff|law enforcement) (and |or )?fire (and |or )?(ambulance|medical|ems|paramedics|rescue)\b",
    r"\b(police|sheriff) (or |and )?(fire|medical|ambulance)\b",
    r"\bfire (or |and )?(medical|ambulance|ems|rescue)\b",
    r"\b(fire|police) department\b(?! (is|are) here)",
    r"\b(stay on the line( with me)?|i am (sending|getting) (help|someone|them|the paramedics|an ambulance))\b",
)]


@dataclass(frozen=True)
class Reading:
    """One text read once: its sentences normalised (both voices) and the caller's own words of each."""

    sentences: tuple[str, ...]
    said: tuple[str, ...]


def read(text: str) -> Reading:
    whole = sentences(text)
    return Reading(tuple(whole), tuple(callers_words(s) for s in whole))


def sentences(text: str) -> list[str]:
    """The text cut at sentence ends, each sentence normalised ('won't' -> 'will not', no punctuation)."""
    out = [normalise(s) for s in SENTENCE_BREAK.split(text)]
    return [s for s in out if s] or [normalise(text)]


def callers_words(sentence: str) -> str:
    """A normalised sentence with the call-taker's questions and stock phrases blanked (kept as '|' so that
    words on either side are not read as one phrase)."""
    for pattern in CALL_TAKER:
        sentence = pattern.sub(" | ", sentence)
    return re.sub(r"\s+", " ", sentence).strip()
