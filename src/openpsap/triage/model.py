"""The learned triage layer at run time: load the shipped classifier and predict. No web, no database.

Linear heads over [sentence embedding, rule features] (features.py), standardised: a softmax over urgency
(High/Medium/Low) and one logistic head per flag and per discipline. The operating thresholds were chosen at
build time (training.py) on out-of-fold predictions: t_high so that High recall stays >= the target, t_low so
that a Low call is only suggested when that is nearly always right. Files: data/triage_model.npz (arrays) and
data/triage_model.json (classes, thresholds, provenance: corpus and model hashes, library versions).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from openpsap.triage.embedding import MODEL_SHA256, SentenceEncoder

URGENCIES = ("High", "Medium", "Low")
TYPE_NEIGHBOURS = 10
TYPE_TEMPERATURE = 0.05
RANK = {"Low": 0, "Medium": 1, "High": 2}


@dataclass
class Head:
    classes: tuple[str, ...]
    weights: np.ndarray  # (classes, features)
    bias: np.ndarray  # (classes,)
    softmax: bool

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.weights.T + self.bias
        if self.softmax:
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            return e / e.sum(axis=1, keepdims=True)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


@dataclass
class Thresholds:
    high: float
    low: float
    flags: dict[str, float] = field(default_factory=dict)
    disciplines: float = 0.5


def decide(p_high: float, p_low: float, floor: str | None, t: Thresholds, *, low_needs_reason: bool = True) -> str:
    """The learned urgency, never below the rules' floor (the highest urgency a cue demands). Low needs a reason
    in the words as well (a Low cue: lonely, a question, an accidental call, a prank, a noise complaint, and no cue
    that demands more): on real calls the model's Low alone is right only a third of the time, so without a
    reason the text stays Medium and the protocol's two no-emergency questions, once confirmed, make it Low.
    (Training chooses t_low on the model's own Low, `low_needs_reason=False`, so the model can still veto a cue.)"""
    reason = floor == "Low" or not low_needs_reason
    learned = "High" if p_high >= t.high else "Low" if p_low >= t.low and reason else "Medium"
    if floor is not None and RANK[floor] > RANK[learned]:
        return floor
    return learned


@dataclass
class Prediction:
    urgency: dict[str, float]
    flags: dict[str, float]
    disciplines: dict[str, float]
    neighbours: list[dict[str, Any]]
    types: dict[str, float] = field(default_factory=dict)  # the nearest scenarios' incident types (sums to 1)


@dataclass
class LearnedTriage:
    encoder: SentenceEncoder
    mean: np.ndarray
    scale: np.ndarray
    urgency: Head
    flags: Head
    disciplines: Head
    thresholds: Thresholds
    examples: np.ndarray  # training embeddings, for 'similar to' evidence
    example_labels: list[dict[str, str]]
    meta: dict[str, Any]

    @property
    def version(self) -> str:
        return self.meta["version"]

    def predict(self, embeddings: np.ndarray, rule_features: np.ndarray) -> list[Prediction]:
        x = (np.hstack([embeddings, rule_features]) - self.mean) / self.scale
        pu, pf, pd = (h.probabilities(x) for h in (self.urgency, self.flags, self.disciplines))
        similar = embeddings @ self.examples.T if len(self.examples) else np.zeros((len(x), 0))
        out = []
        for i in range(len(x)):
            order = np.argsort(-similar[i])[:TYPE_NEIGHBOURS] if similar.shape[1] else np.zeros(0, dtype=int)
            out.append(Prediction(
                urgency=dict(zip(self.urgency.classes, map(float, pu[i]))),
                flags=dict(zip(self.flags.classes, map(float, pf[i]))),
                disciplines=dict(zip(self.disciplines.classes, map(float, pd[i]))),
                neighbours=[{k: v for k, v in self.example_labels[j].items() if k != "incident_type"}
                            | {"similarity": round(float(similar[i, j]), 2)} for j in order[:2]],
                types=self._neighbour_types(similar[i], order),
            ))
        return out

    def _neighbour_types(self, similarity: np.ndarray, order: np.ndarray) -> dict[str, float]:
        """Nearest-scenario retrieval over the labelled corpus: a softmax-weighted vote of the closest scenarios'
        incident types."""
        rows = [j for j in order if self.example_labels[j].get("incident_type")]
        if not rows:
            return {}
        w = np.exp((similarity[rows] - similarity[rows].max()) / TYPE_TEMPERATURE)
        votes: dict[str, float] = {}
        for j, weight in zip(rows, w / w.sum()):
            code = self.example_labels[j]["incident_type"]
            votes[code] = votes.get(code, 0.0) + float(weight)
        return votes

    def to_files(self, directory: Path) -> None:
        arrays = {"mean": self.mean, "scale": self.scale, "examples": self.examples.astype(np.float16)}
        for name in ("urgency", "flags", "disciplines"):
            head = getattr(self, name)
            arrays[f"{name}_weights"], arrays[f"{name}_bias"] = head.weights, head.bias
        np.savez_compressed(directory / "triage_model.npz", **arrays)  # type: ignore[arg-type]
        doc = {**self.meta, "classes": {n: list(getattr(self, n).classes) for n in ("urgency", "flags", "disciplines")},
               "thresholds": {"high": self.thresholds.high, "low": self.thresholds.low,
                              "flags": self.thresholds.flags, "disciplines": self.thresholds.disciplines},
               "examples": self.example_labels}
        (directory / "triage_model.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")


class ModelMismatch(RuntimeError):
    """The classifier was trained on another embedding model."""


def load(directory: Path | None = None, encoder: SentenceEncoder | None = None) -> LearnedTriage:
    base = directory or files("openpsap.data")
    doc = json.loads((base / "triage_model.json").read_text(encoding="utf-8"))
    if doc["embedding_sha256"] != MODEL_SHA256:
        raise ModelMismatch("the triage classifier was trained on another embedding model: run `openpsap triage train`")
    with (base / "triage_model.npz").open("rb") as f:
        arrays = dict(np.load(f))
    heads = {name: Head(tuple(doc["classes"][name]), arrays[f"{name}_weights"], arrays[f"{name}_bias"],
                        softmax=name == "urgency") for name in ("urgency", "flags", "disciplines")}
    t = doc["thresholds"]
    meta = {k: v for k, v in doc.items() if k not in ("classes", "thresholds", "examples")}
    return LearnedTriage(
        encoder=encoder or SentenceEncoder(), mean=arrays["mean"], scale=arrays["scale"], **heads,
        thresholds=Thresholds(t["high"], t["low"], dict(t["flags"]), t["disciplines"]),
        examples=arrays["examples"].astype(np.float32), example_labels=doc["examples"], meta=meta)


@cache
def default_model() -> LearnedTriage:
    """The shipped model, loaded once per process (about half a second)."""
    return load()
