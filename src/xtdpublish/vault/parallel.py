"""Parse many notes on every core: worker processes take shares of the work, this process the rest.

A cold build of a big vault spends most of its time in markdown-it, one note after the
other, on one core. ``map_shared`` cuts the list into shares of about equal text, starts a
worker per extra core for all shares but the first (workers.py: forked where that is safe,
so the function and the items are inherited, never pickled), and does the first itself
meanwhile. Only plain data comes back. A worker that cannot start, dies or raises costs time,
never an item: its share is done here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from .. import workers
from ..report import Report

T = TypeVar("T")
R = TypeVar("R")

# Fewer items than this per worker and a fork saves little or costs: the worker starts parsing
# 16-32 ms after the fork, and its results take time to come back. Notes of the synthetic
# vault, two idle cores, alone against shared: 100 notes 55 / 79 ms, 200 notes 126-169 /
# 110-133 ms, 400 notes 226-354 / 206-215 ms (measured 2026-11-21).
MIN_SHARE = 300


def map_shared(function: Callable[[T], R], items: Sequence[T], size: Callable[[T], int],
               min_share: int | None = None, report: Report | None = None,
               done: str = "items done") -> list[R]:
    """``[function(item) for item in items]``, on as many cores as the work is worth.

    ``size`` weighs an item (its text's length) so that shares take about the same time;
    ``function``'s results must pickle (plain data) when workers are used. A worker that
    cannot start is said in ``report`` (information: --verbose shows it), its share being
    ``done`` ("notes read") here.
    """
    count = min(_cpus() - 1, len(items) // (min_share or MIN_SHARE))
    if count < 1:
        return [function(item) for item in items]
    shares = _shares(items, size, count + 1)
    started = workers.start([(_do_share, (function, share)) for share in shares[1:]])
    try:
        results = [function(item) for item in shares[0]]
        for worker, share in zip(started, shares[1:]):
            try:
                if isinstance(worker, workers.WorkerError):
                    raise worker
                results += worker.result()
            except Exception as error:  # the worker never started, died or raised: its share here
                if report is not None and isinstance(error, workers.WorkerError):
                    report.info("build", None, "build.workers",
                                f"{error}; {len(share)} {done} in the build's own process")
                results += [function(item) for item in share]
    finally:
        for worker in started:
            if isinstance(worker, workers.Worker):
                worker.stop()
    return results  # the shares are consecutive runs of the items: results in item order


def _do_share(function: Callable, share: list) -> list:
    return [function(item) for item in share]


def _shares(items: Sequence[T], size: Callable[[T], int], count: int) -> list[list]:
    """``count`` runs of consecutive items, each about an equal part of the total size."""
    weights = [max(1, size(item)) for item in items]
    total = sum(weights)
    shares: list[list] = [[] for _ in range(count)]
    done = 0
    for item, weight in zip(items, weights):
        shares[min(count - 1, done * count // total)].append(item)
        done += weight
    return shares


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
