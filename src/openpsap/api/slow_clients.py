"""Slow and oversized requests at the HTTP layer (slowloris): uvicorn's httptools protocol, with a deadline for a
request's headers and a cap on their size. A client that trickles its headers is answered 408 and disconnected
after `header_timeout_s`; headers over `max_header_bytes` get 431. (A slow body is cut by api/errors.BodyLimit.)
Behind a reverse proxy these limits are the proxy's job too (docs/operations.md)."""

from __future__ import annotations

import asyncio


from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_S = 10.0
MAX_HEADER_BYTES = 32 * 1024


def _reply(transport: asyncio.Transport, status: bytes, text: bytes) -> None:
    transport.write(b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: "
                    + str(len(text)).encode() + b"\r\nconnection: close\r\n\r\n" + text)
    transport.close()


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    header_timeout_s = HEADER_TIMEOUT_S
    max_header_bytes = MAX_HEADER_BYTES

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_bytes = 0
        self._header_timer: asyncio.TimerHandle | None = None
        self._start_header_clock()

    def _start_header_clock(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            _reply(self.transport, b"408 Request Timeout", b"the request's headers took too long")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        self._start_header_clock()

    def _count(self, n: int) -> None:
        self._header_bytes += n
        if self._header_bytes > self.max_header_bytes and not self.transport.is_closing():
            _reply(self.transport, b"431 Request Header Fields Too Large", b"the request's headers are too large")

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value))
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        if not self.transport.is_closing():
            super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)


def configure(header_timeout_s: float, max_header_bytes: int) -> str:
    """Set this process's limits; returns the protocol's import string for uvicorn (also in worker processes, each
    of which configures itself when it builds its app)."""
    GuardedHttpToolsProtocol.header_timeout_s = header_timeout_s
    GuardedHttpToolsProtocol.max_header_bytes = max_header_bytes
    return "openpsap.api.slow_clients:GuardedHttpToolsProtocol"



