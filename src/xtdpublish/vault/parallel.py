"""Parse many notes on every core: forked workers take shares of the work, this process the rest.

A cold build of a big vault spends most of its time in markdown-it, one note after the
other, on one core. ``map_shared`` cuts the list into shares of about equal text, forks a
worker per extra core for all shares but the first, and does the first itself meanwhile.
Workers inherit the function and the items (never pickled); only plain data comes back. A
worker that cannot start, dies or raises costs time, never an item: its share is done here.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Fewer items than this per worker and a fork saves little or costs: the worker starts parsing
# 16-32 ms after the fork, and its results take time to come back. Notes of the synthetic
# vault, two idle cores, alone against shared: 100 notes 55 / 79 ms, 200 notes 126-169 /
# 110-133 ms, 400 notes 226-354 / 206-215 ms (measured 2026-11-21).
MIN_SHARE = 300

_FORKED: tuple[Callable, list[list]] | None = None


def map_shared(function: Callable[[T], R], items: Sequence[T], size: Callable[[T], int],
               min_share: int | None = None) -> list[R]:
    """``[function(item) for item in items]``, on as many cores as the work is worth.

    ``size`` weighs an item (its text's length) so that shares take about the same time;
    ``function``'s results must pickle (plain data) when workers are used.
    """
    workers = min(_cpus() - 1, len(items) // (min_share or MIN_SHARE))
    if workers < 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    except (OSError, ImportError):  # no semaphores in some sandboxes: one core it is
        return [function(item) for item in items]
    shares = _shares(items, size, workers + 1)
    global _FORKED
    _FORKED = (function, shares)  # inherited by the forked workers, never pickled
    try:
        with pool:
            gc.freeze()  # the workers' collections never walk, so never copy, our pages
            try:
                futures = [_submitted(pool, n) for n in range(1, len(shares))]
            finally:
                gc.unfreeze()
            results = [function(item) for item in shares[0]]
            for future, share in zip(futures, shares[1:]):
                try:
                    results += future.result()
                except Exception:  # the worker never started, died or raised: its share here
                    results += [function(item) for item in share]
    finally:
        _FORKED = None
    return results  # the shares are consecutive runs of the items: results in item order


def _submitted(pool: ProcessPoolExecutor, n: int) -> Future:
    """The future of share ``n``; if no worker could be forked for it, one that says why."""
    try:
        return pool.submit(_do_share, n)
    except Exception as error:  # fork refused (process limit, memory)
        failed: Future = Future()
        failed.set_exception(error)
        return failed


def _do_share(n: int) -> list:
    function, shares = _FORKED
    return [function(item) for item in shares[n]]


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
