"""Backups of the event log and its state. SQLite: an online copy with SQLite's own backup API (consistent while the
server keeps writing), checked, and restored into place when no server runs. PostgreSQL: pg_dump and WAL archiving
are the tools (docs/operations.md says how); openpsap does not re-implement them."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path


class BackupError(ValueError):
    """A backup or restore that cannot be done; the message says why and how to do it instead."""


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise BackupError("this database is PostgreSQL: back it up with pg_dump (and WAL archiving for point-in-time "
                          "recovery), as docs/operations.md shows")
    return Path(url.removeprefix("sqlite:///"))


def check(path: Path) -> int:
    """The number of events in an openpsap SQLite file; BackupError if it is not one or is damaged."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} fails SQLite's integrity check")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "events" not in tables:
                raise BackupError(f"{path} is not an openpsap database (it has no event log)")
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None


def backup(url: str, target: Path) -> int:
    """Copy the live database to `target` (a new file) page by page; returns the events it holds."""
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name (a backup never overwrites)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source, timeout=30) as live, sqlite3.connect(target) as copy:
        live.backup(copy, pages=1024)
    copy.close()
    return check(target)


def restore(url: str, source: Path, *, force: bool = False) -> int:
    """Put a checked backup in place of the database (stop every server first); returns the events restored."""
    target = sqlite_path(url)
    events = check(source)
    if target.exists() and not force:
        raise BackupError(f"{target} exists: stop the servers, then restore with --force to replace it "
                          "(or restore to a new --database-url)")
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    return events
