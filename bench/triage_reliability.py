"""How far can the learned layer's P(High) be trusted? A reliability plot and the expected calibration error.

For each labelled file (the held-out scenario sets shipped in the package, and the Google ASR transcripts when
../shared is there), every call is triaged with the shipped model and its P(High) binned in tenths; each bin
plots the share of calls labelled High against the mean P(High). A calibrated model lies on the diagonal. JSON
on stdout (per file: calls, expected calibration error, Brier score, the bins); the plot goes to --out.

    .venv/bin/python bench/triage_reliability.py [--out docs/images/triage_reliability.png]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from openpsap.triage import triage_many
from openpsap.triage.corpus import corpus_dir, read

TRANSCRIPTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "transcripts" / "pawar_google.csv"
BINS = np.linspace(0.0, 1.0, 11)


def reliability(p_high: np.ndarray, is_high: np.ndarray) -> dict:
    which = np.clip(np.digitize(p_high, BINS) - 1, 0, len(BINS) - 2)
    bins, ece = [], 0.0
    for b in range(len(BINS) - 1):
        rows = which == b
        if rows.any():
            mean_p, share = float(p_high[rows].mean()), float(is_high[rows].mean())
            ece += rows.sum() / len(p_high) * abs(mean_p - share)
            bins.append({"from": round(BINS[b], 1), "calls": int(rows.sum()), "mean_p_high": round(mean_p, 3),
                         "share_high": round(share, 3)})
    return {"calls": len(p_high), "ece": round(ece, 3), "brier": round(float(((p_high - is_high) ** 2).mean()), 3),
            "bins": bins}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images/triage_reliability.png"))
    args = parser.parse_args()
    files = {"held-out scenarios": Path(str(corpus_dir().joinpath("heldout.jsonl"))),
             "grouped held-out": Path(str(corpus_dir().joinpath("heldout_groups.jsonl")))}
    if TRANSCRIPTS.is_file():
        files["real transcripts (Google ASR)"] = TRANSCRIPTS
    out = {}
    for name, path in files.items():
        records = read(path)
        results = triage_many([r.text for r in records])
        p = np.array([r.probabilities.get("High", 0.0) for r in results])
        out[name] = reliability(p, np.array([r.urgency == "High" for r in records], dtype=float))
    out["model"] = results[0].model_version

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 5), dpi=110)
    ax.plot([0, 1], [0, 1], color="#888888", linestyle="--", label="perfectly calibrated")
    for (name, r), marker in zip(((k, v) for k, v in out.items() if k != "model"), "osD"):
        ax.plot([b["mean_p_high"] for b in r["bins"]], [b["share_high"] for b in r["bins"]], marker=marker,
                label=f"{name} (ECE {r['ece']:.2f})")
    ax.set_xlabel("learned layer's P(High), mean in each tenth")
    ax.set_ylabel("share of calls labelled High")
    ax.set_title("Triage: is P(High) calibrated?")
    ax.set_xlim(0, 1), ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    fig.text(0.01, 0.01, "Above the diagonal: more High calls than the probability says (under-confident).",
             fontsize=7, color="#444444")
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
