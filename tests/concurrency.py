"""Several requests at the same moment, for the concurrency tests (PostgreSQL): real threads,
each on its own database connection, released together by a barrier."""

import threading

from django.db import connections

THREADS = 8


def run_together(work, *, refused: type[Exception] | tuple = ()) -> list:
    """work(n) in THREADS threads at once; returns what each returned, or the `.message` of
    a `refused` exception it raised (in the order they finished)."""
    barrier = threading.Barrier(THREADS)
    results = []

    def one(n):
        try:
            barrier.wait()
            results.append(work(n))
        except refused as refusal:
            results.append(refusal.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
