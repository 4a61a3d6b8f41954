"""Database plumbing: declarative base, portable column types, engine set-up for SQLite and PostgreSQL.

SQLite: WAL journal, synchronous FULL (an acknowledged event is on disk), BEGIN IMMEDIATE for
writes, and one in-process write gate so writers queue instead of spinning on the busy handler.
PostgreSQL: writers lock the rows they change (SELECT ... FOR UPDATE) and take one advisory lock
just before appending to the event log, so sequence numbers become visible in commit order.
No domain rules here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import DateTime, MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from openpsap.clock import as_utc

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

T = TypeVar("T")
EVENT_LOG_LOCK_KEY = 911_0001  # pg_advisory_xact_lock key that orders event-log appends


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite drops the zone; we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        value = as_utc(value)
        if value is not None and dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        return as_utc(value)


class Database:
    """An engine plus the write discipline for its dialect."""

    def __init__(self, url: str, *, sqlite_synchronous: str = "FULL", echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, sqlite_synchronous=sqlite_synchronous, echo=echo)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._write_engine = self.engine.execution_options(openpsap_write=True)
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
        self._gate = threading.Lock() if self.is_sqlite else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one command. The caller commits; leaving without commit rolls back."""
        if self._gate is not None:
            self._gate.acquire()
        try:
            with self._write_sessions() as session:
                yield session
        finally:
            if self._gate is not None:
                self._gate.release()

    def lock_event_log(self, session: Session) -> None:
        """Called just before events are inserted; held to commit (PostgreSQL only)."""
        if not self.is_sqlite:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": EVENT_LOG_LOCK_KEY})

    def notify_appended(self, session: Session, seq: int) -> None:
        """PostgreSQL: tell every server's listener (api/listen.py), delivered when this transaction commits."""
        if not self.is_sqlite:
            session.execute(text("SELECT pg_notify('openpsap_events', :seq)"), {"seq": str(seq)})

    def dispose(self) -> None:
        self.engine.dispose()


def get_locked(db: Session, model: type[T], key: Any) -> T | None:
    """Load a row to change it. PostgreSQL: SELECT ... FOR UPDATE, fresh from the database, so
    concurrent commands on the same row queue. SQLite: writers are already serialised by the write
    gate and BEGIN IMMEDIATE, so the session's copy is current and no extra query is needed."""
    if db.get_bind().dialect.name == "sqlite":
        return db.get(model, key)
    return db.get(model, key, with_for_update=True, populate_existing=True)


def ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def json_text(value: Any) -> str:
    """JSON columns (event payloads, stored responses) are written with orjson: several times faster than json.dumps
    on the write path; compact UTF-8 JSON that reads back the same."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


JSON_CODEC = {"json_serializer": json_text, "json_deserializer": orjson.loads}


def make_engine(url: str, *, sqlite_synchronous: str = "FULL", echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        ensure_sqlite_folder(url)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}, **JSON_CODEC)
        _configure_sqlite(engine, sqlite_synchronous)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, echo=echo, pool_size=20, max_overflow=20, pool_pre_ping=True, **JSON_CODEC)


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        if conn.get_execution_options().get("openpsap_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
