"""Build the learned triage layer from labelled texts (used by `openpsap triage train` and `triage eval --cv`).

Reproducible: the same corpus, model files and library versions give the same weights (lbfgs, fixed folds).
1. Features: the sentence embedding and the rule features of every text.
2. Out-of-fold probabilities (5 stratified folds) choose the operating thresholds on the calibration rows:
   t_high, the highest threshold that keeps High recall >= `high_recall` once the rules' floor is applied;
   t_low, the lowest threshold from which Low suggestions stay >= `low_precision` right; per-flag thresholds
   that maximise F1.
3. The heads are fitted on all rows. The L2 strength is chosen first, by 5-fold log-loss of the urgency head
   (LogisticRegressionCV) over CS, and used for every head.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.metadata import version as package_version

import numpy as np

from openpsap.triage import read_rules
from openpsap.triage.corpus import DISCIPLINES, Labelled, fingerprint
from openpsap.triage.embedding import MODEL_SHA256, TOKENIZER_SHA256, SentenceEncoder
from openpsap.triage.features import FLAG_NAMES
from openpsap.triage.model import URGENCIES, Head, LearnedTriage, Thresholds, decide
from openpsap.triage.rules import Rules

CS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5)  # inverse L2 strengths tried (features standardised)
FOLDS = 5
MIN_LOW_PREDICTIONS = 3


@dataclass
class TrainingSet:
    records: list[Labelled]
    embeddings: np.ndarray
    rule_features: np.ndarray
    floors: list[str | None]
    weights: np.ndarray
    calibrate: np.ndarray  # rows whose out-of-fold predictions choose the urgency thresholds
    examples: np.ndarray  # rows that may be quoted as 'similar to' evidence (shipped text only)

    @property
    def x(self) -> np.ndarray:
        return np.hstack([self.embeddings, self.rule_features])

    def subset(self, rows: np.ndarray) -> TrainingSet:
        return TrainingSet([self.records[i] for i in rows], self.embeddings[rows], self.rule_features[rows],
                           [self.floors[i] for i in rows], self.weights[rows], self.calibrate[rows], self.examples[rows])


def featurise(records: list[Labelled], rules: Rules, encoder: SentenceEncoder, *, weight: float = 1.0,
              calibrate: bool = True, quotable: bool = True) -> TrainingSet:
    found = [read_rules(r.text, rules) for r in records]
    n = len(records)
    return TrainingSet(records, encoder.embed_many([r.text for r in records]),
                       np.stack([f.features() for f in found]), [f.floor for f in found],
                       np.full(n, weight), np.full(n, calibrate), np.full(n, quotable))


def concat(*parts: TrainingSet) -> TrainingSet:
    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    return TrainingSet([r for p in parts for r in p.records], joined("embeddings"), joined("rule_features"),
                       [f for p in parts for f in p.floors], joined("weights"), joined("calibrate"), joined("examples"))


def fit(data: TrainingSet, encoder: SentenceEncoder, *, high_recall: float = 0.95, low_precision: float = 0.9,
        seed: int = 0, c: float | None = None) -> LearnedTriage:
    """`c`: the L2 strength to use; None chooses it by cross-validated log-loss over CS."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # small problems: BLAS threads only fight each other (4x slower on 2 cores)
        return _fit(data, encoder, high_recall, low_precision, seed, c)


def _fit(data: TrainingSet, encoder: SentenceEncoder, high_recall: float, low_precision: float, seed: int,
         c: float | None) -> LearnedTriage:
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold

    y = np.array([r.urgency for r in data.records])
    folds = StratifiedKFold(n_splits=min(FOLDS, _min_class(y)), shuffle=True, random_state=seed)
    mean, scale = _standardiser(data.x)
    if c is None:
        search = LogisticRegressionCV(Cs=list(CS), cv=folds, scoring="neg_log_loss", max_iter=5000, l1_ratios=(0,),
                                      use_legacy_attributes=False)
        c = float(np.ravel(search.fit((data.x - mean) / scale, y, sample_weight=data.weights).C_)[0])
    oof_u = np.zeros((len(y), 3))
    oof_f = np.zeros((len(y), len(FLAG_NAMES)))
    for train, test in folds.split(data.x, y):
        part = data.subset(train)
        m, s = _standardiser(part.x)
        heads = _fit_heads((part.x - m) / s, part, c, disciplines=False)
        xt = (data.x[test] - m) / s
        oof_u[test] = heads[0].probabilities(xt)
        oof_f[test] = heads[1].probabilities(xt)
    cal = data.calibrate
    high, low = _urgency_thresholds(oof_u[cal], y[cal], [f for f, c in zip(data.floors, cal) if c],
                                    high_recall, low_precision)
    flag_t = {f: _best_f1_threshold(oof_f[:, j], data.records, f) for j, f in enumerate(FLAG_NAMES)}
    urgency, flags, disciplines = _fit_heads((data.x - mean) / scale, data, c)
    if disciplines is None:
        raise RuntimeError("the discipline head was not fitted")
    quoted = np.flatnonzero(data.examples)
    meta = {
        "embedding_model": encoder.version, "embedding_sha256": MODEL_SHA256, "tokenizer_sha256": TOKENIZER_SHA256,
        "corpus_sha256": fingerprint(data.records), "rows": len(y), "calibration_rows": int(cal.sum()),
        "targets": {"high_recall": high_recall, "low_precision": low_precision}, "C": c, "seed": seed,
        "libraries": {p: package_version(p) for p in ("scikit-learn", "numpy", "onnxruntime", "tokenizers")},
    }
    digest = hashlib.sha256(b"".join(np.round(a, 6).tobytes() for a in (urgency.weights, flags.weights, mean)))
    digest.update(repr((round(high, 4), round(low, 4), sorted(flag_t.items()))).encode())
    meta["version"] = "learned-" + digest.hexdigest()[:12]
    return LearnedTriage(
        encoder=encoder, mean=mean, scale=scale, urgency=urgency, flags=flags, disciplines=disciplines,
        thresholds=Thresholds(high, low, flag_t), examples=data.embeddings[quoted],
        example_labels=[{"id": data.records[i].id, "urgency": data.records[i].urgency,
                         "text": _snippet(data.records[i].text), "incident_type": data.records[i].incident_type or ""}
                        for i in quoted],
        meta=meta)


def _min_class(y: np.ndarray) -> int:
    return max(2, min(np.unique(y, return_counts=True)[1]))


def _standardiser(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)


def _fit_heads(x: np.ndarray, data: TrainingSet, c: float, disciplines: bool = True) -> tuple[Head, Head, Head | None]:
    from sklearn.linear_model import LogisticRegression

    y = np.array([r.urgency for r in data.records])
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=data.weights)
    order = [list(model.classes_).index(c) for c in URGENCIES]
    urgency = Head(URGENCIES, model.coef_[order], model.intercept_[order], softmax=True)
    flags = _binary_heads(x, data, c, FLAG_NAMES, lambda r, f: (f in r.labelled_flags, f in (r.flags or ())))
    if not disciplines:  # out-of-fold rounds only need urgency and flags
        return urgency, flags, None
    return urgency, flags, _binary_heads(x, data, c, DISCIPLINES,
                                         lambda r, d: (r.disciplines is not None, d in (r.disciplines or ())))


def _binary_heads(x, data, c, names, label) -> Head:  # noqa: ANN001
    from sklearn.linear_model import LogisticRegression

    weights, bias = np.zeros((len(names), x.shape[1])), np.full(len(names), -10.0)  # never, unless learned
    for j, name in enumerate(names):
        known, truth = zip(*(label(r, name) for r in data.records))
        rows = np.flatnonzero(known)
        target = np.array(truth)[rows]
        if target.sum() >= 3 and (~target).sum() >= 3:
            m = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x[rows], target)
            weights[j], bias[j] = m.coef_[0], m.intercept_[0]
    return Head(tuple(names), weights, bias, softmax=False)


def _urgency_thresholds(p: np.ndarray, y: np.ndarray, floors: list[str | None], high_recall: float,
                        low_precision: float) -> tuple[float, float]:
    is_high = y == "High"
    high = 0.0
    for t in sorted(set(np.round(p[:, 0], 4)), reverse=True):
        said = np.array([decide(a, 0.0, f, Thresholds(t, 2.0)) == "High" for a, f in zip(p[:, 0], floors)])
        if not is_high.any() or (said & is_high).sum() / is_high.sum() >= high_recall:
            high = float(t)
            break
    low, ok_from = 2.0, None
    for t in sorted(set(np.round(p[:, 2], 4)), reverse=True):  # walk down; stop at the first miss
        said = np.array([decide(a, b, f, Thresholds(high, t), low_needs_reason=False) == "Low"
                         for a, b, f in zip(p[:, 0], p[:, 2], floors)])
        if said.sum() < MIN_LOW_PREDICTIONS:
            continue
        if (said & (y == "Low")).sum() / said.sum() < low_precision:
            break
        ok_from = float(t)
    return high, (ok_from if ok_from is not None else low)


def _best_f1_threshold(p: np.ndarray, records: list[Labelled], flag: str) -> float:
    rows = [i for i, r in enumerate(records) if flag in r.labelled_flags]
    truth = np.array([flag in (records[i].flags or ()) for i in rows])
    if truth.sum() < 3:
        return 0.5
    best, best_f1 = 0.5, -1.0
    for t in np.arange(0.2, 0.95, 0.05):
        said = p[rows] >= t
        tp = (said & truth).sum()
        f1 = 2 * tp / max(said.sum() + truth.sum(), 1)
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(round(t, 2)), f1
    return best


def _snippet(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")
