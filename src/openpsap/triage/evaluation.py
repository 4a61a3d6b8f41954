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

from openpsap.triage import FLAGS, Learned, TriageResult, triage_many
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
    high_said_low: int = 0  # High calls suggested Low: the one mistake triage must never make
    medium_recall: float = float("nan")
    low_recall: float = float("nan")
    types: dict[str, float] = field(default_factory=dict)  # top-1 / top-3 APCO type accuracy, when labelled
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)  # per hard-case group, when labelled
    interview: dict[str, Any] = field(default_factory=dict)  # how many protocol answers reach the labelled urgency

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
        high_said_low=confusion["High"]["Low"], medium_recall=per_class["Medium"]["recall"],
        low_recall=per_class["Low"]["recall"], types=type_accuracy(records, results),
        groups=by_group(records, results),
        interview=interview_effort(records, results),
    )


def interview_effort(records: list[Labelled], results: list[TriageResult]) -> dict[str, Any]:
    """How many answers the protocol needs to reach each call's labelled urgency: for the call's complaint, the
    fewest (question, answer) pairs of a determinant with that urgency that the words did not already pre-fill
    the same way. A call whose labelled urgency no determinant of its complaint gives is 'unreachable'."""
    from openpsap.triage.protocol import default_protocol

    protocol = default_protocol()
    per: dict[str, list[int | None]] = {}
    prefilled: list[int] = []
    for r, res in zip(records, results):
        if not res.protocol:
            continue
        complaint = protocol.complaints[res.protocol["complaint"]]
        known = {q["id"]: q["prefilled"]["answer"] for q in res.protocol["questions"] if q["prefilled"]}
        prefilled.append(len(known))
        needs = [sum(known.get(q) != a for q, a in option) for d in complaint.determinants if d.urgency == r.urgency
                 for option in d.when]
        per.setdefault(complaint.id, []).append(min(needs) if needs else None)
    if not per:
        return {}

    def summary(values: list[int | None]) -> dict[str, Any]:
        reached = [v for v in values if v is not None]
        return {"calls": len(values), "reachable": round(len(reached) / len(values), 3),
                "answers_mean": round(sum(reached) / len(reached), 2) if reached else None,
                "answers_max": max(reached) if reached else None,
                "by_words_alone": round(sum(v == 0 for v in reached) / len(values), 3)}

    return {"all": summary([v for vs in per.values() for v in vs]),
            "prefilled_mean": round(sum(prefilled) / len(prefilled), 2),
            "by_complaint": {c: summary(vs) for c, vs in sorted(per.items())}}


def type_accuracy(records: list[Labelled], results: list[TriageResult]) -> dict[str, float]:
    """Top-1 and top-3 accuracy of the suggested APCO type, over the rows that label one."""
    rows = [(r.incident_type, [res.incident_type] + [a["code"] for a in res.alternatives if a["code"] != res.incident_type])
            for r, res in zip(records, results) if r.incident_type]
    if not rows:
        return {}
    return {"n": len(rows), "top1": round(sum(t == said[0] for t, said in rows) / len(rows), 3),
            "top3": round(sum(t in said[:3] for t, said in rows) / len(rows), 3)}


def by_group(records: list[Labelled], results: list[TriageResult]) -> dict[str, dict[str, Any]]:
    """Per hard-case group: calls, accuracy, High recall, High calls said Low, Low precision, flag errors."""
    out: dict[str, dict[str, Any]] = {}
    for group in sorted({r.group for r in records if r.group}):
        pairs = [(r, res) for r, res in zip(records, results) if r.group == group]
        high = [res.urgency for r, res in pairs if r.urgency == "High"]
        said_low = [r.urgency for r, res in pairs if res.urgency == "Low"]
        flag_errors = sum(len(set(r.flags or ()) ^ (set(res.flags) & r.labelled_flags)) for r, res in pairs)
        out[group] = {
            "n": len(pairs), "accuracy": round(sum(r.urgency == res.urgency for r, res in pairs) / len(pairs), 3),
            "high": len(high), "high_recall": round(high.count("High") / len(high), 3) if high else None,
            "high_said_low": high.count("Low"),
            "low_said": len(said_low), "low_precision": round(said_low.count("Low") / len(said_low), 3) if said_low else None,
            "flag_errors": flag_errors,
            "wrong": [{"id": r.id, "truth": r.urgency, "said": res.urgency} for r, res in pairs if r.urgency != res.urgency][:10],
        }
    return out


def _prf(tp: int, said: int, true: int) -> dict[str, float]:
    p = tp / said if said else float("nan")
    r = tp / true if true else float("nan")
    f1 = 2 * tp / (said + true) if said + true else float("nan")
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), "support": true, "predicted": said}


def evaluate(records: list[Labelled], *, learned: Learned = "default",
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
    return score(records, [r for r in results if r is not None], f"{k}-fold CV: corpus + other folds (weight {weight})")
