"""The speech model for live calls: loaded once per process, run on one worker thread off the event loop.

Every call's stretches queue on that thread, so a final segment never waits behind more than the work already
started; a partial is skipped (not queued) while the model is busy, so partials never pile up behind speech.
Tests give the app a fake with `app.state.speech_transcriber = ...` (the `Transcriber` seam).
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from openpsap.speech.audio import Audio
from openpsap.speech.transcriber import Transcriber, Transcript

_lock = threading.Lock()


class Engine:
    def __init__(self, transcriber: Transcriber) -> None:
        self.transcriber = transcriber
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speech")
        self._queued = 0

    @property
    def busy(self) -> bool:
        return self._queued > 0

    async def transcribe(self, samples: np.ndarray) -> Transcript:
        self._queued += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, self.transcriber.transcribe, Audio(samples, "live"))
        finally:
            self._queued -= 1


def engine_for(app: Any) -> Engine:
    """The app's engine, loading the model named by the speech_live_model setting on first use (ModelUnavailable if it
    is not installed). Call it off the event loop: loading takes seconds."""
    with _lock:
        engine = getattr(app.state, "speech_engine", None)
        if engine is None:
            transcriber = getattr(app.state, "speech_transcriber", None)
            if transcriber is None:
                from openpsap.speech.models import locate
                from openpsap.speech.transcriber import WhisperTranscriber, resolve_prompt

                s = app.state.settings
                transcriber = WhisperTranscriber(locate(s.speech_live_model), threads=s.speech_threads,
                                                 prompt=resolve_prompt(s.speech_prompt), vad=False,
                                                 fallback=False, tokens_per_second=8.0)
            engine = app.state.speech_engine = Engine(transcriber)
        return engine
