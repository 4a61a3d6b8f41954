"""What the rules layer found, as numbers the learned layer can weigh beside the sentence embedding. PURE.

The learned classifier sees [embedding (384), rule features (below)], so it can learn, for instance, that a
Medium cue in a chatty lonely-caller text matters less than in a terse note, while the safety floor that the
rules set (triage/__init__.py) stays out of its reach.
"""

from __future__ import annotations

import math

import numpy as np

from openpsap.triage.rules import Hit

FLAG_NAMES = ("child_caller", "non_emergency", "lonely_or_isolated", "silent_or_accidental", "mental_health_crisis",
              "prank_suspected", "coded_distress", "non_english")
RULE_FEATURES = ("cue_high", "cue_medium", "cue_low", "cue_life_threat", "cue_coded", "no_cue", "few_words",
                 *(f"rule_{f}" for f in FLAG_NAMES))


def rule_features(hits: list[Hit], rule_flags: set[str], n_words: int) -> np.ndarray:
    levels = {h.cue.urgency for h in hits}
    values = [
        "High" in levels, "Medium" in levels, "Low" in levels,
        any(h.cue.life_threat for h in hits), any(h.cue.coded for h in hits), not hits,
        1.0 / (1.0 + math.log1p(n_words)),
        *(f in rule_flags for f in FLAG_NAMES),
    ]
    return np.asarray(values, dtype=np.float32)
