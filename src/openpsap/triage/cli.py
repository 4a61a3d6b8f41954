"""`openpsap triage ...`: one text, a batch file, an evaluation, or a rebuild of the learned layer.

`openpsap triage "text"` is short for `openpsap triage text "text"`: any first argument that is not one of
the sub-commands is read as the caller's words.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
MAX_LINE = 1_000_000


class _TextByDefault(TyperGroup):
    def parse_args(self, ctx, args):  # noqa: ANN001, ANN201
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["text", *args]
        return super().parse_args(ctx, args)


triage_app = typer.Typer(
    cls=_TextByDefault, no_args_is_help=True,
    help="Triage what a caller says: `openpsap triage \"my mommy won't wake up\"`, a JSONL batch, an evaluation on "
         "labelled calls, or a rebuild of the learned layer.")


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


@triage_app.command("text")
def triage_text(
    text: Annotated[str, typer.Argument(help="What the caller said, e.g. \"my mommy won't wake up\".")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a summary.")] = False,
) -> None:
    """Suggest urgency, incident type, flags and next questions for what a caller said."""
    from openpsap.triage import triage

    result = triage(text)
    if as_json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    flags = ", ".join(f.upper().replace("_", " ") for f in result.flags) or "none"
    console.print(f"[bold]{result.urgency}[/bold]  {result.incident_type}  {result.priority}  response: {result.response}"
                  f"  disciplines: {', '.join(result.disciplines) or 'none'}")
    console.print(f"flags: {flags}")
    console.print("ask next: " + " | ".join(result.questions[:3]))
    for e in result.evidence:
        console.print(f"  [dim]{e['cue']}: '{e['matched']}' -> {e['effect']}[/dim]", highlight=False)
    for note in result.notes:
        console.print(f"  [yellow]note:[/yellow] {note}")
    console.print(f"[dim]model {result.model_version}[/dim]")


@triage_app.command("batch")
def triage_batch(
    source: Annotated[Path, typer.Argument(help="JSONL file: one object per line with `id` and `text`; `-` for stdin.")],
    chunk: Annotated[int, typer.Option(help="Texts triaged together (throughput vs memory).", min=1, max=1024)] = 64,
    threads: Annotated[int, typer.Option(help="Chunks embedded side by side (one core each).", min=1, max=16)] = 2,
) -> None:
    """Triage many texts: reads JSONL lines {"id", "text"}, writes one JSON result per line (with `id`) to stdout,
    in input order.

    A bad line does not stop the batch: its output line is {"id", "error"} and the exit code is 2 at the end.
    """
    from openpsap.triage import Learned, triage_many
    from openpsap.triage.embedding import SentenceEncoder
    from openpsap.triage.model import load

    if str(source) != "-" and not source.is_file():
        _fail(f"{source}: no such file")
    learned: Learned = "default" if threads == 1 else load(encoder=SentenceEncoder(threads=threads))
    stream = sys.stdin if str(source) == "-" else source.open(encoding="utf-8", errors="replace")
    bad = 0
    pending: list[tuple[str, str, str | None]] = []  # id, text, error

    def flush() -> None:
        todo = [text for _, text, problem in pending if problem is None]
        results = iter(triage_many(todo, learned=learned) if todo else [])
        for id_, _, problem in pending:
            out = {"id": id_, "error": problem} if problem else {"id": id_, **next(results).to_json()}
            print(json.dumps(out, ensure_ascii=False))
        pending.clear()

    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            problem, id_, text = _parse_line(line, n)
            bad += problem is not None
            pending.append((id_, text, problem))
            if len(pending) >= chunk:
                flush()
        flush()
    if bad:
        err.print(f"[yellow]{bad} line(s) could not be read; their output lines carry an error[/yellow]")
        raise typer.Exit(code=2)


def _parse_line(line: str, n: int) -> tuple[str | None, str, str]:
    if len(line) > MAX_LINE:
        return f"line {n}: longer than {MAX_LINE} characters", str(n), ""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"line {n}: not JSON ({exc.msg})", str(n), ""
    if not isinstance(row, dict):
        return f"line {n}: expected an object with id and text", str(n), ""
    id_ = row.get("id", n)
    if not isinstance(id_, (str, int)):
        return f"line {n}: id must be a string or a number", str(n), ""
    if not isinstance(row.get("text"), str):
        return f"line {n}: text must be a string", str(id_), ""
    return None, str(id_), row["text"]


@triage_app.command("eval")
def triage_eval(
    source: Annotated[Path, typer.Argument(help="Labelled calls: CSV with `text` and `urgency` (High/Medium/Low) and "
                                                "optional flag columns, or JSONL with `text`, `urgency`, `flags`.")],
    cv: Annotated[int, typer.Option("--cv", help="Cross-validate with K folds: train on the scenario corpus plus "
                                                  "the other folds of this file. 0 = the shipped model as is.",
                                    min=0, max=20)] = 0,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Score the rules layer alone.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Score triage on labelled calls: per-class precision/recall, High recall and PPV, confusion, flags, incident
    type top-1/top-3 (when the file has `incident_type`) and per-group figures (when it has `group`)."""
    from openpsap.triage.corpus import CorpusError, read, training_corpus
    from openpsap.triage.evaluation import cross_validate, evaluate

    if cv == 1:
        _fail("--cv needs at least 2 folds (or 0 for the shipped model)")
    try:
        records = read(source)
    except CorpusError as exc:
        _fail(str(exc))
    with _progress(len(records), "triaging", quiet=as_json) as tick:
        if cv:
            try:
                report = cross_validate(records, training_corpus(), k=cv, progress=tick)
            except ValueError as exc:
                _fail(f"cannot cross-validate {source}: {exc}")
        else:
            report = evaluate(records, learned=None if rules_only else "default", progress=tick)
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
        return
    _print_report(report, source)


@contextmanager
def _progress(total: int, label: str, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr (none with --json); yields advance(n)."""
    if quiet:
        yield None
        return
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                  transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


def _print_report(report, source: Path) -> None:  # noqa: ANN001
    table = Table(title=f"{source.name}: {report.n} calls, {report.model}")
    for col in ("urgency", "precision", "recall", "F1", "calls", "suggested"):
        table.add_column(col, justify="right")
    for c, m in report.per_class.items():
        table.add_row(c, *(f"{m[k]:.2f}" for k in ("precision", "recall", "f1")), str(m["support"]), str(m["predicted"]))
    console.print(table)
    console.print(f"High recall (sensitivity) [bold]{report.high_recall:.3f}[/bold], High PPV {report.high_ppv:.3f}, "
                  f"Medium recall {report.medium_recall:.3f}, Low precision [bold]{report.low_precision:.3f}[/bold], "
                  f"Low recall {report.low_recall:.3f}, accuracy {report.accuracy:.3f}; "
                  f"High calls suggested Low: [bold]{report.high_said_low}[/bold]")
    if report.types:
        console.print(f"incident type ({report.types['n']} labelled): top-1 {report.types['top1']:.3f}, "
                      f"top-3 {report.types['top3']:.3f}")
    confusion = Table(title="confusion (rows: truth, columns: suggested)")
    confusion.add_column("")
    for c in report.confusion:
        confusion.add_column(c, justify="right")
    for truth, row in report.confusion.items():
        confusion.add_row(truth, *(str(v) for v in row.values()))
    console.print(confusion)
    if report.flags:
        flags = Table(title="flags")
        for col in ("flag", "precision", "recall", "F1", "calls"):
            flags.add_column(col, justify="right")
        for flag, m in report.flags.items():
            flags.add_row(flag, *(f"{m[k]:.2f}" for k in ("precision", "recall", "f1")), str(m["support"]))
        console.print(flags)
    if report.interview:
        a = report.interview["all"]
        console.print(f"protocol interview: {a['calls']} calls with a complaint; the labelled urgency is reachable for "
                      f"{a['reachable']:.0%}, with {a['answers_mean']} answers on average (max {a['answers_max']}); "
                      f"the words alone settle {a['by_words_alone']:.0%}; {report.interview['prefilled_mean']} "
                      "answers pre-filled per call")
    if report.groups:
        groups = Table(title="by group")
        for col in ("group", "calls", "accuracy", "High", "High recall", "High said Low", "Low said", "Low precision",
                    "flag errors"):
            groups.add_column(col, justify="right")
        for name, g in report.groups.items():
            groups.add_row(name, str(g["n"]), f"{g['accuracy']:.2f}", str(g["high"]), _maybe(g["high_recall"]),
                           str(g["high_said_low"]), str(g["low_said"]), _maybe(g["low_precision"]), str(g["flag_errors"]))
        console.print(groups)
    if report.mistakes:
        console.print(f"High calls not suggested High: {', '.join(m['id'] for m in report.mistakes[:30])}")


def _maybe(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


@triage_app.command("train")
def triage_train(
    out: Annotated[Path | None, typer.Option(help="Folder for triage_model.npz/.json (default: the package's data).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Rebuild in memory and compare with the shipped model; "
                                                         "exit 1 if it differs.")] = False,
) -> None:
    """Rebuild the learned layer from the scenario corpus (data/triage_corpus/train*.jsonl), reproducibly."""
    import numpy as np

    import openpsap

    from openpsap.triage.corpus import training_corpus
    from openpsap.triage.embedding import EmbeddingUnavailable, SentenceEncoder
    from openpsap.triage.rules import default_rules
    from openpsap.triage.training import featurise, fit

    try:
        encoder = SentenceEncoder(threads=2)
    except EmbeddingUnavailable as exc:
        _fail(str(exc))
    records = training_corpus()
    with console.status(f"embedding {len(records)} scenario texts and fitting ..."):
        model = fit(featurise(records, default_rules(), encoder), encoder)
    if check:
        from openpsap.triage.model import load

        shipped = load(encoder=encoder)
        same = (shipped.meta["corpus_sha256"] == model.meta["corpus_sha256"]
                and np.allclose(shipped.urgency.weights, model.urgency.weights, atol=1e-4)
                and np.allclose(shipped.flags.weights, model.flags.weights, atol=1e-4)
                and abs(shipped.thresholds.high - model.thresholds.high) < 1e-3
                and abs(shipped.thresholds.low - model.thresholds.low) < 1e-3)
        if not same:
            _fail(f"the shipped model ({shipped.version}) is not what the corpus builds ({model.version}): "
                  "run `openpsap triage train` and commit data/triage_model.*")
        console.print(f"the shipped model {shipped.version} is reproduced from the corpus")
        return
    target = out or Path(openpsap.__file__).parent / "data"
    target.mkdir(parents=True, exist_ok=True)
    model.to_files(target)
    t = model.thresholds
    console.print(f"wrote {target}/triage_model.npz and .json: {model.version}, {len(records)} texts, "
                  f"t_high {t.high:.3f}, t_low {t.low:.3f}")


@triage_app.command("prepare")
def triage_prepare() -> None:
    """Build the integer-arithmetic embedding model from the pinned model.onnx (once; scripts/setup.sh runs it)."""
    from openpsap.triage.embedding import DERIVED_SHA256, EmbeddingUnavailable, prepare, sha256

    try:
        path = prepare()
    except EmbeddingUnavailable as exc:
        _fail(str(exc))
    same = sha256(path) == DERIVED_SHA256
    console.print(f"{path}: " + ("the pinned derived model" if same else
                                 "[yellow]differs from the pinned derived model (other onnxruntime/onnx?)[/yellow]"))
