"""`openpsap transcribe FILE...`: call recordings to text on this machine. Thin: files in, speech out.

Each file is decoded (audio.py), then transcribed by the model loaded once for all (the model is loaded only
when a first file is readable). A file that cannot be read gets an error line and the others go on; the exit
code is 1 when any file failed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

console = Console(soft_wrap=True, highlight=False)  # messages whole, whatever the terminal width
err = Console(stderr=True, soft_wrap=True, highlight=False)


def transcribe(
    files: Annotated[list[Path], typer.Argument(help="Audio files: WAV (8 kHz mu-law or A-law, 16-bit PCM at any "
                                                     "rate), MP3, FLAC, Ogg/Opus, M4A and what else FFmpeg reads.",
                                                show_default=False, metavar="FILE")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line per file, in order: file, text, "
                                                         "segments, duration_s, language, model (or file, error).")] = False,
    model: Annotated[str | None, typer.Option("--model", help="base, tiny.en or a CTranslate2 Whisper folder "
                                                              "(default: the speech_model setting).")] = None,
) -> None:
    """Transcribe call recordings offline (Whisper via faster-whisper; nothing leaves the machine)."""
    from pydantic import ValidationError

    from openpsap.config import Settings
    from openpsap.speech.audio import AudioError, decode
    from openpsap.speech.models import ModelUnavailable, locate
    from openpsap.speech.transcriber import Transcriber, WhisperTranscriber, resolve_prompt

    try:
        settings = Settings()
    except ValidationError as exc:
        err.print(f"[red]error:[/red] bad setting: {escape(str(exc.errors()[0]['msg']))}")
        raise typer.Exit(code=2) from None
    name = model or settings.speech_model
    transcriber: Transcriber | None = None
    failed = 0
    for path in files:
        try:
            audio = decode(path, max_seconds=settings.speech_max_seconds)
        except AudioError as exc:
            failed += 1
            _emit(as_json, {"file": str(path), "error": str(exc)})
            continue
        if transcriber is None:
            try:
                transcriber = WhisperTranscriber(locate(name), threads=settings.speech_threads,
                                                 prompt=resolve_prompt(settings.speech_prompt))
            except ModelUnavailable as exc:
                err.print(f"[red]error:[/red] {escape(str(exc))}")
                raise typer.Exit(code=2) from None
        try:
            result = transcriber.transcribe(audio).to_json()
        except (RuntimeError, ValueError, MemoryError) as exc:  # the engine's own failures, per file
            failed += 1
            _emit(as_json, {"file": str(path), "error": f"could not transcribe: {exc}"})
            continue
        _emit(as_json, {"file": str(path), **result})
    if failed:
        raise typer.Exit(code=1)


def _emit(as_json: bool, row: dict[str, Any]) -> None:
    if as_json:
        print(json.dumps(row, ensure_ascii=False), flush=True)
    elif "error" in row:
        err.print(f"[red]error:[/red] {escape(row['file'])}: {escape(row['error'])}")
    else:
        lang = row["language"] + (" (NON-ENGLISH)" if row["non_english"] else "")
        console.print(f"[bold]{escape(row['file'])}[/bold]  {row['duration_s']:.1f} s  {lang}  [dim]{row['model']}[/dim]")
        console.print(escape(row["text"]) or "[dim](no speech recognised)[/dim]")
        for note in row["notes"]:
            console.print(f"  [yellow]note:[/yellow] {escape(note)}")
