"""Database plumbing: declarative base, portable column types, engine set-up for SQLite and PostgreSQL.

SQLite: WAL journal, synchronous FULL (an acknowledged event is on disk), BEGIN IMMEDIATE for
writes, and one in-process write gate so writers queue instead of spinning on the busy handler;
commands that queue at the gate share one transaction and one fsync (group commit, below).
PostgreSQL: writers lock the rows they change (SELECT ... FOR UPDATE) and take one advisory lock
just before appending to the event log, so sequence numbers become visible in commit order.
No domain rules here.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import DateTime, MetaData, create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from openpsap.clock import as_utc
from openpsap.errors import NotSaved

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
        self._group = GroupCommit(self._write_engine) if self.is_sqlite else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one command. The caller commits; leaving without commit rolls back. On SQLite the caller's
        commit is durable (on disk) when this block ends, not before: other commands may share its fsync."""
        if self._group is None:
            with self._write_sessions() as session:
                yield session
        else:
            with self._group.session() as session:
                yield session

    def lock_event_log(self, session: Session) -> None:
        """Called just before events are inserted; held to commit (PostgreSQL only)."""
        if not self.is_sqlite:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": EVENT_LOG_LOCK_KEY})

    def notify_appended(self, session: Session, seq: int) -> None:
        """PostgreSQL: tell every server's listener (api/listen.py), delivered when this transaction commits."""
        if not self.is_sqlite:
            session.execute(text("SELECT pg_notify('openpsap_events', :seq)"), {"seq": str(seq)})

    def dispose(self) -> None:
        if self._group is not None:
            self._group.close()
        self.engine.dispose()


class Unsaved(NotSaved):
    """The database refused to commit a group of commands (disk full, I/O error): none of them happened."""


class _Batch:
    def __init__(self) -> None:
        self.commands = 0
        self.started = time.monotonic()
        self.done = threading.Event()
        self.error: BaseException | None = None


class GroupCommit:
    """SQLite group commit. Writers take the gate one at a time, as before, and each runs in a SAVEPOINT of one
    shared transaction on one connection. The writer leaving the gate commits that transaction (one fsync for all)
    when no other writer is waiting for the gate, or when the group is MAX_COMMANDS strong or MAX_AGE_S old (a
    writer arriving at an older group commits it first); otherwise it leaves the commit to the next one. Every
    writer returns only after its group is on disk, so an acknowledged command is as durable as before; a command
    that fails rolls back its own savepoint only, unless SQLite itself dropped the transaction (disk full, I/O
    error), and then every command of the group is told it was not saved. The write lock is never held with nobody
    at the gate, so other processes (the CLI, a backup) still get their turn. A command slower than MAX_AGE_S
    delays the answer to the commands grouped just before it by its own duration."""

    MAX_COMMANDS = 64
    MAX_AGE_S = 0.02

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.gate = threading.Lock()
        self.counting = threading.Lock()
        self.waiting = 0  # writers blocked on the gate
        self.conn: Connection | None = None
        self.batch = _Batch()
        self.closed = False

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.counting:
            self.waiting += 1
        try:
            self.gate.acquire()
        finally:
            with self.counting:
                self.waiting -= 1
        batch, ok = self.batch, False
        try:
            if self.closed:
                raise Unsaved("the database is closing: send the command again to another server")
            if batch.commands and time.monotonic() - batch.started >= self.MAX_AGE_S:
                self._end_group(batch)  # an old group is not held up by this command
            if self.conn is None:
                self.conn = self.engine.connect()
            if not self.conn.in_transaction():
                self.conn.begin()  # BEGIN IMMEDIATE (the write engine's option)
                self.batch = _Batch()
            batch = self.batch
            with Session(bind=self.conn, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
                yield session
            ok = True
            batch.commands += 1
        finally:
            try:
                if not self._transaction_alive():
                    self._fail_group(batch, Unsaved("the database dropped the transaction (disk full or I/O error)"))
                elif self._due(batch):
                    self._end_group(batch)
            finally:
                self.gate.release()
        if ok:
            batch.done.wait()
            if batch.error is not None:
                raise Unsaved(f"the database could not save this command, so it did not happen: {batch.error}; "
                              "send it again") from batch.error

    def _due(self, batch: _Batch) -> bool:
        with self.counting:
            others = self.waiting
        return others == 0 or batch.commands >= self.MAX_COMMANDS or time.monotonic() - batch.started >= self.MAX_AGE_S

    def _transaction_alive(self) -> bool:
        """False when SQLAlchemy holds a transaction that SQLite no longer has (it rolls the whole transaction back
        by itself on a full disk, an I/O error or an interrupt): the group's earlier commands are gone."""
        if self.conn is None or not self.conn.in_transaction():
            return True
        raw = self.conn.connection.dbapi_connection
        return raw is None or bool(getattr(raw, "in_transaction", True))

    def _end_group(self, batch: _Batch) -> None:
        """Commit the group (or end an empty one), holding the gate; every writer of the group is then answered."""
        if self.conn is None or not self.conn.in_transaction():
            batch.done.set()
            return
        try:
            self.conn.commit()
        except BaseException as exc:
            self._fail_group(batch, exc)
            return
        batch.done.set()
        self.batch = _Batch()

    def _fail_group(self, batch: _Batch, error: BaseException) -> None:
        """Nothing of the group was saved: its writers are told so, and the connection (perhaps still inside a
        transaction SQLAlchemy no longer tracks) is thrown away; the next writer opens a new one."""
        batch.error = error
        if self.conn is not None:
            try:
                self.conn.invalidate()
            finally:
                self.conn = None
        batch.done.set()
        self.batch = _Batch()

    def close(self) -> None:
        """Commit what is grouped (its writers are answered), then refuse new writers."""
        with self.gate:
            self.closed = True
            if self._transaction_alive():
                self._end_group(self.batch)
            else:
                self._fail_group(self.batch, Unsaved("the database dropped the transaction"))
            if self.conn is not None:
                self.conn.close()
                self.conn = None


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
    on the write path; compact UTF-8 JSON that reads back the same. What orjson cannot write (an integer over 64
    bits) is written by the standard library, as before."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


def json_value(text: str | bytes) -> Any:
    """orjson, or the standard library for what older versions wrote and orjson does not read (NaN, Infinity)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


JSON_CODEC = {"json_serializer": json_text, "json_deserializer": json_value}


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
