"""Slow and oversized requests against the real server (uvicorn, as `openpsap serve` runs it): headers trickled in
(slowloris) are cut with 408, oversized headers refused with 431, a stalled body cut with 408, and the server keeps
answering everyone else meanwhile."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

from tests.live_server import live_server, migrated_sqlite_with_dispatcher

LIMITS = {"OPENPSAP_HEADER_TIMEOUT_SECONDS": "2", "OPENPSAP_BODY_TIMEOUT_SECONDS": "2"}


def _connect(base: str) -> socket.socket:
    url = urlparse(base)
    return socket.create_connection((url.hostname, url.port), timeout=10)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            data = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def test_slow_and_oversized_requests_are_cut_and_others_still_served(tmp_path: Path) -> None:
    url = migrated_sqlite_with_dispatcher(tmp_path)
    with live_server(url, env=LIMITS) as base:
        with _connect(base) as slow:
            slow.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
            started = time.monotonic()
            for i in range(20):  # a header line every half second: never finishing
                assert httpx.get(f"{base}/health", timeout=5).status_code == 200, "everyone else is served meanwhile"
                try:
                    slow.sendall(f"X-Slow-{i}: a\r\n".encode())
                except OSError:
                    break
                time.sleep(0.5)
            answer = _read_all(slow)
            assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
            assert time.monotonic() - started < 6
        with _connect(base) as big:
            big.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n")
            assert _read_all(big).startswith(b"HTTP/1.1 431")
        with _connect(base) as stalled:
            stalled.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 100\r\n\r\n{\"username\":")
            answer = _read_all(stalled)
            assert b" 408 " in answer.split(b"\r\n", 1)[0], answer[:200]
        assert httpx.get(f"{base}/health", timeout=5).status_code == 200
