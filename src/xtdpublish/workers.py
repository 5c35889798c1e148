"""Worker processes of a build: started the way that is safe here, and never outliving the build.

Two parts of a build run beside the main process: the PDF's layout (rendering.py) and the
notes' reading and parsing on every core (vault/parallel.py). Both start their workers here:

- **How.** ``fork`` where it is safe: on Linux, while this process runs one thread (the
  progress ticker is paused around the fork: ``pause_while_starting``). A worker then
  inherits the model instead of receiving it pickled. Elsewhere ``forkserver`` (a clean
  process that forks the workers), or ``spawn`` on macOS and Windows, where ``fork`` is unsafe
  once system libraries run threads. ``XTDPUBLISH_WORKERS`` = fork, forkserver, spawn or off
  chooses (off: no worker, everything in this process).
- **Dying with the build.** A worker ignores Ctrl-C (the build decides), asks Linux to kill it
  when its parent dies (``PR_SET_PDEATHSIG``), and watches its parent elsewhere. It never
  moves a file into place once its parent is gone (``atomic.publish_only_while``).
- **Stopping.** ``Worker.stop`` kills a worker and removes the temporary files it left;
  ``stop_all`` does it for every live worker (a signal's handler, the end of the command).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from . import atomic

METHODS = ("fork", "forkserver", "spawn")
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_CHECK_SECONDS = 0.25
THREAD_SETTLE_TRIES = 25  # of 2 ms: how long a just-joined thread may take to exit
STOPPING = (signal.SIGINT, signal.SIGTERM)


class Stopped(KeyboardInterrupt):
    """A signal that ends the command (Ctrl-C, SIGTERM), raised where the program is, so that
    every ``finally`` runs: workers are killed, temporary files removed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal_name(signum))
        self.signum = signum


class WorkerError(Exception):
    """A worker that could not start, died, or could not send its result back."""


class Worker:
    """One child process running ``function(*args)``; ``result()`` waits for what it returns."""

    def __init__(self, process, connection, temporaries: tuple[Path, ...]) -> None:
        self.process = process
        self.pid = process.pid
        self._connection = connection
        self._temporaries = temporaries  # folders where the worker may leave temporary files

    def result(self) -> Any:
        """What the function returned; raises what it raised, or WorkerError if it died."""
        try:
            ok, value = self._connection.recv()
        except (EOFError, OSError):
            self.process.join(5)
            raise WorkerError(f"the worker process {self.pid} ended without a result "
                              f"(exit code {self.process.exitcode})") from None
        finally:
            self.stop()
        if ok:
            return value
        raise value

    def stop(self) -> None:
        """Kill the worker if it still runs, and remove the temporary files it left."""
        _LIVE.discard(self)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._connection.close()
        for folder in self._temporaries:
            atomic.remove_temporaries(folder, self.pid)


_LIVE: set[Worker] = set()
_SIGNALS: list[int] = []  # the signals received, once handle_signals is on
_PAUSERS: list[Callable[[], Any]] = []  # context manager factories: threads stopped while starting


def handle_signals() -> dict:
    """Ctrl-C and SIGTERM raise ``Stopped`` where the program is; a second one ends it at once.
    Returns the handlers replaced (to put back)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    main_pid = os.getpid()

    def stop(signum, _frame):
        if os.getpid() != main_pid:  # a worker forked a moment ago, before it set its own
            os._exit(128 + signum)
        if _SIGNALS:
            stop_all()
            os._exit(128 + signum)
        _SIGNALS.append(signum)
        raise Stopped(signum)

    return {signum: signal.signal(signum, stop) for signum in STOPPING}


def signal_of(interruption: KeyboardInterrupt) -> int:
    """The signal behind a KeyboardInterrupt (a library may raise its own for ours)."""
    return getattr(interruption, "signum", None) or (_SIGNALS[0] if _SIGNALS else signal.SIGINT)


def signal_name(signum: int) -> str:
    return {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}.get(signum, f"signal {signum}")


def start_method() -> str | None:
    """How workers start here: fork, forkserver or spawn; None for no worker at all."""
    import multiprocessing

    chosen = os.environ.get("XTDPUBLISH_WORKERS", "").strip().lower()
    available = multiprocessing.get_all_start_methods()
    if chosen in ("off", "none", "0"):
        return None
    if chosen in METHODS:
        return chosen if chosen in available else None
    if sys.platform.startswith("linux") and "fork" in available and _threads() == 1:
        return "fork"
    if sys.platform == "darwin" or "forkserver" not in available:
        return "spawn" if "spawn" in available else None
    return "forkserver"


def start(jobs: list[tuple[Callable, tuple]], temporaries: tuple[Path, ...] = (),
          preload: tuple[str, ...] = ()) -> list[Worker | WorkerError]:
    """A worker for each ``(function, args)``, or the WorkerError saying why it could not start.

    With ``fork`` nothing is pickled; otherwise ``function`` and ``args`` must pickle (the
    model of 10,000 notes: 24 MB, about 1 s each way; the MuseumXTD sample 0.2 MB, 30 ms).
    The workers' results must pickle in every case (plain data). ``temporaries``: the folders
    a worker writes into, cleaned of its temporary files when it is stopped. ``preload``: the
    modules a forkserver imports once for all its workers (WeasyPrint: 0.4 s each otherwise).
    """
    started: list[Worker | WorkerError] = []
    with _paused():
        method = start_method()
        if method is None:
            return [WorkerError("workers are turned off (XTDPUBLISH_WORKERS)")] * len(jobs)
        import multiprocessing

        context = multiprocessing.get_context(method)
        if method == "forkserver" and preload:
            context.set_forkserver_preload(list(preload))  # once the server runs, no effect
        for function, args in jobs:
            started.append(_start_one(context, method, function, args, temporaries))
    return started


def stop_all() -> None:
    for worker in list(_LIVE):
        worker.stop()


def pause_while_starting(pauser: Callable[[], Any]) -> Callable[[], None]:
    """Run every start of workers inside ``pauser()`` (a context manager): the progress ticker
    stops there, so no thread of ours runs across a fork. Returns what unregisters it."""
    _PAUSERS.append(pauser)
    return lambda: _PAUSERS.remove(pauser) if pauser in _PAUSERS else None


@contextmanager
def _paused() -> Iterator[None]:
    with ExitStack() as stack:
        for pauser in list(_PAUSERS):
            stack.enter_context(pauser())
        yield


def _start_one(context, method: str, function: Callable, args: tuple,
               temporaries: tuple[Path, ...]) -> Worker | WorkerError:
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(function, args, sending, os.getpid(), method),
                              daemon=True)
    try:
        if method == "fork":
            gc.freeze()  # the child's collections never walk, so never copy, our pages
            try:
                process.start()
            finally:
                gc.unfreeze()
        else:
            process.start()
    except Exception as error:  # no fork (process limit, memory), or args that do not pickle
        receiving.close()
        sending.close()
        return WorkerError(f"a worker process could not start ({method}): {error}")
    finally:
        if process.pid is not None:
            sending.close()  # the child holds its end: EOF here when it dies
    worker = Worker(process, receiving, temporaries)
    _LIVE.add(worker)
    return worker


def _child(function: Callable, args: tuple, connection, build_pid: int, method: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the build decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()  # the build, or with forkserver the server (which ends with the build)
    if method != "forkserver" and parent != build_pid:
        os._exit(1)  # the build died before this worker began
    _die_with_parent(parent)
    try:
        value = (True, function(*args))
    except BaseException as error:  # sent back, raised in the build
        value = (False, error)
    try:
        connection.send(value)
    except Exception as error:  # an exception or result that does not pickle
        connection.send((False, WorkerError(f"the worker's result could not be sent back: {error!r}")))
    connection.close()
    os._exit(0)  # no teardown of what the fork inherited: nothing is left to flush


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass  # the watch below still ends this worker, a quarter of a second later
    if os.getppid() != parent:
        os._exit(1)
    atomic.publish_only_while(lambda: os.getppid() == parent)

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="xtdpublish-parent-watch", daemon=True).start()


def _threads() -> int:
    """The threads of this process, those no Python code started included (Linux counts them).

    A Python thread that was just joined can still be listed for a moment: ``join()`` returns
    when its Python state is gone, before the system thread has exited (the progress ticker,
    stopped right before a start). While only this thread runs Python, wait briefly for the
    count to settle; a native thread (GLib's, say) stays and is counted."""
    try:
        count = len(os.listdir("/proc/self/task"))
        waited = 0
        while count > 1 and threading.active_count() == 1 and waited < THREAD_SETTLE_TRIES:
            time.sleep(0.002)
            waited += 1
            count = len(os.listdir("/proc/self/task"))
        return count
    except OSError:
        return threading.active_count()
