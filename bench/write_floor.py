"""The floor of the stack: the least a write command can cost on this machine with openpsap's server stack.

A minimal FastAPI app (uvicorn with httptools and uvloop, a sync route in the thread pool, a pydantic body) whose one
route commits two event rows to the same kind of database as openpsap (SQLAlchemy Core on openpsap's own engine
set-up: SQLite WAL, synchronous=FULL, BEGIN IMMEDIATE behind one write gate; or PostgreSQL), and answers a small JSON.
No authentication, no projection, no idempotency: what openpsap adds on top is the difference between the two.
bench/api_throughput.py --floor runs it under the same load generator in the same run.

    OPENPSAP_FLOOR_URL=sqlite:////tmp/floor.db uvicorn --factory bench.write_floor:app_factory --app-dir .
"""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import FastAPI, Response
from pydantic import BaseModel
from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table, insert

from openpsap.db import make_engine

metadata = MetaData()
events = Table(
    "floor_events", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("id", String(36), unique=True), Column("occurred_at", DateTime(timezone=True)), Column("actor", String(64)),
    Column("kind", String(48)), Column("subject_id", String(80)), Column("data", JSON),
)
APPEND = insert(events).returning(events.c.seq, sort_by_parameter_order=True)


class Command(BaseModel):
    subject_id: str
    text: str = ""


def app_factory() -> FastAPI:
    url = os.environ["OPENPSAP_FLOOR_URL"]
    engine = make_engine(url).execution_options(openpsap_write=True)
    metadata.create_all(engine)
    gate = threading.Lock() if url.startswith("sqlite") else None
    app = FastAPI()

    @app.post("/command")
    def command(body: Command) -> Response:
        now = datetime.now(UTC)
        rows: list[dict[str, Any]] = [
            {"id": str(uuid.uuid4()), "occurred_at": now, "actor": "floor", "kind": kind, "subject_id": body.subject_id,
             "data": {"subject_id": body.subject_id, "text": body.text}}
            for kind in ("unit-status-changed", "incident-status-changed")
        ]
        if gate is not None:
            gate.acquire()
        try:
            with engine.begin() as conn:
                seqs = conn.execute(APPEND, rows).scalars().all()
        finally:
            if gate is not None:
                gate.release()
        return Response(orjson.dumps({"seq": seqs[-1], "events": len(seqs)}), media_type="application/json")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
