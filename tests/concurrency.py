"""Running work in many threads at once, for the PostgreSQL concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def in_threads(count: int, work: Callable[[int], object]) -> list[object]:
    """Start `count` threads together (a barrier), each running work(index) on its own database connection;
    returns what each returned, or the exception it raised, by index."""
    results: list[object] = [None] * count
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # the test inspects what each thread got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
