"""Speech to text for calls, offline: call audio decoded (audio.py), the pinned Whisper model found and checked
(models.py), transcribed on this machine's CPU (transcriber.py), and `openpsap transcribe` (cli.py).
No web and no database here; no audio or text leaves the machine. Guide: docs/speech.md.
"""
