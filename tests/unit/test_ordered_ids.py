"""Note ids sort in the order the notes were added, even within one millisecond (a command adding several notes)."""

from __future__ import annotations

import threading
import uuid

from openpsap.incidents.service import ordered_id


def test_ids_sort_in_the_order_they_were_made_and_are_version_7_uuids() -> None:
    ids = [ordered_id() for _ in range(5000)]  # far more than one millisecond's worth of counter
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {uuid.UUID(i).version for i in ids} == {7}


def test_threads_never_get_the_same_id() -> None:
    made: list[list[str]] = [[] for _ in range(8)]
    threads = [threading.Thread(target=lambda out=out: out.extend(ordered_id() for _ in range(500))) for out in made]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [i for out in made for i in out]
    assert len(set(every)) == len(every)
    assert all(out == sorted(out) for out in made)
