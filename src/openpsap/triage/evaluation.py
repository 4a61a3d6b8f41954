"""How good is triage? Metrics on a labelled file, with the shipped model or cross-validated. CLI only.

`evaluate` scores what `triage_many` suggests against the labels. `cross_validate` splits the file into k
stratified folds; for each, a model is trained on the scenario corpus plus the other folds (weighted, as a
centre would retrain on its own calls), its thresholds chosen on those folds only (the L2 strength is the
shipped model's, chosen on the corpus alone), and the held-out fold scored. Nothing of the evaluated file is
kept or shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from openpsap.triage import FLAGS, TriageResult, triage_many
from openpsap.triage.corpus import URGENCIES, Labelled
from openpsap.triage.model import LearnedTriage
from openpsap.triage.rules import Rules

Progress = Callable[[int], None]


@dataclass
class Report:
    n: int
    model: str
    per_class: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, int]]  # truth -> predicted -> count
    high_recall: float
    high_ppv: float
    low_precision: float
    accuracy: float
    flags: dict[str, dict[str, float]] = field(default_factory=dict)
    mistakes: list[dict[str, str]] = field(default_factory=list)  # High calls not called High (ids only)

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def score(records: list[Labelled], results: list[TriageResult], model: str) -> Report:
    confusion = {t: {p: 0 for p in URGENCIES} for t in URGENCIES}
    for r, res in zip(records, results):
        confusion[r.urgency][res.urgency] += 1
    per_class = {}
    for c in URGENCIES:
        tp = confusion[c][c]
        said = sum(confusion[t][c] for t in URGENCIES)
        true = sum(confusion[c].values())
        per_class[c] = _prf(tp, said, true)
    flags = {}
    for flag in FLAGS:
        rows = [(flag in (r.flags or ()), flag in res.flags) for r, res in zip(records, results)
                if flag in r.labelled_flags]
        if rows:
            truth, said = np.array(rows).T
            flags[flag] = _prf(int((truth & said).sum()), int(said.sum()), int(truth.sum()))
    return Report(
        n=len(records), model=model, per_class=per_class, confusion=confusion,
        high_recall=per_class["High"]["recall"], high_ppv=per_class["High"]["precision"],
        low_precision=per_class["Low"]["precision"],
        accuracy=round(sum(confusion[c][c] for c in URGENCIES) / max(len(records), 1), 3),
        flags=flags,
        mistakes=[{"id": r.id, "said": res.urgency} for r, res in zip(records, results)
                  if r.urgency == "High" and res.urgency != "High"],
    )


def _prf(tp: int, said: int, true: int) -> dict[str, float]:
    p = tp / said if said else float("nan")
    r = tp / true if true else float("nan")
    f1 = 2 * tp / (said + true) if said + true else float("nan")
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), "support": true, "predicted": said}


def evaluate(records: list[Labelled], *, learned: LearnedTriage | None | str = "default",
             rules: Rules | None = None, batch: int = 64, progress: Progress | None = None) -> Report:
    results: list[TriageResult] = []
    for start in range(0, len(records), batch):
        part = records[start:start + batch]
        results += triage_many([r.text for r in part], rules=rules, learned=learned)
        if progress:
            progress(len(part))
    return score(records, results, results[0].model_version if results else "")


def cross_validate(records: list[Labelled], corpus: list[Labelled], *, k: int = 5, seed: int = 0,
                   weight: float = 2.0, rules: Rules | None = None, progress: Progress | None = None) -> Report:
    from sklearn.model_selection import StratifiedKFold

    from openpsap.triage.embedding import SentenceEncoder
    from openpsap.triage.model import load
    from openpsap.triage.rules import default_rules
    from openpsap.triage.training import concat, featurise, fit

    rules = rules or default_rules()
    shipped = load(encoder=SentenceEncoder(threads=2))  # one encoder, two threads for featurising
    encoder = shipped.encoder
    c = shipped.meta["C"]  # the L2 strength chosen on the corpus alone: nothing of FILE decides it
    base = featurise(corpus, rules, encoder, calibrate=False)
    own = featurise(records, rules, encoder, weight=weight, quotable=False)
    y = np.array([r.urgency for r in records])
    results: list[TriageResult | None] = [None] * len(records)
    for train, test in StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(y, y):
        model = fit(concat(base, own.subset(train)), encoder, seed=seed, c=c)
        for i, res in zip(test, triage_many([records[i].text for i in test], rules=rules, learned=model)):
            results[i] = res
        if progress:
            progress(len(test))
    return score(records, results, f"{k}-fold CV: corpus + other folds (weight {weight})")
