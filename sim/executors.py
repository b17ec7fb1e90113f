"""Where a batch runs: in this process, on a pool of local processes, or on a Dask cluster.

Every choice is a `concurrent.futures.Executor`, so `sim.batch` runs the same way on a
laptop and on a cluster. Local pools start their workers with `spawn` (a fresh
interpreter, as on macOS and Windows), which is safe whatever threads the parent has, and
let Ctrl-C end a worker's task but never a worker waiting for one (`LocalPool`).
Dask is optional: it is imported only when asked for, and its absence is explained.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from sim.errors import TabletopError

LOCAL = "local"  # --dask local: a two-worker cluster on this machine
CONNECT_TIMEOUT_S = 10


class ExecutorError(TabletopError):
    """The place asked to run a batch cannot be used (no Dask, a scheduler out of reach)."""


class InProcess(Executor):
    """Runs each task at once, in this process: no start-up cost, and nothing to ship."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # handed to whoever reads the future, like any executor
            future.set_exception(error)
        return future


@contextlib.contextmanager
def executor_for(jobs: int | None = None, dask: str | None = None) -> Iterator[Executor]:
    """The executor for `--jobs K` (K local processes; 1 runs in this process) or `--dask
    ADDRESS`, shut down (pending tasks cancelled) when the batch is over or interrupted."""
    if dask is not None:
        with on_dask(dask) as executor:
            yield executor
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        yield InProcess()
        return
    pool = LocalPool(jobs)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class LocalPool(ProcessPoolExecutor):
    """Worker processes (started with `spawn`) that Ctrl-C stops in a task but never between
    tasks. The terminal sends Ctrl-C to the workers too: in a task it ends the task, whose
    future then carries the interrupt, as the batch expects; a worker waiting for its next
    task would die of it instead, printing a traceback under the batch's last line."""

    def __init__(self, jobs: int):
        super().__init__(jobs, mp_context=multiprocessing.get_context("spawn"),
                         initializer=_ignore_ctrl_c)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return super().submit(_interruptibly, fn, *args, **kwargs)


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interruptibly(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a task in a pool worker with Ctrl-C on, then off again."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return fn(*args, **kwargs)
    finally:
        _ignore_ctrl_c()


@contextlib.contextmanager
def on_dask(address: str) -> Iterator[Executor]:
    """An executor on the Dask scheduler at `address` (`tcp://host:port`), or on a
    two-worker `LocalCluster` on the loopback interface when `address` is 'local'."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExecutorError("--dask needs Dask's distributed scheduler, which is not installed "
                            "— install it with: pip install 'tabletop[dask]'") from None
    quiet_before = logging.root.manager.disable
    try:
        with contextlib.ExitStack() as stack:
            executor = _connected(stack, address, Client, LocalCluster)
            try:
                yield executor
            except KeyboardInterrupt:  # Dask complains of a cluster closed mid-batch: expected
                logging.disable(logging.CRITICAL)
                raise
            finally:
                executor.shutdown(wait=False)
    finally:
        logging.disable(quiet_before)


def _connected(stack: contextlib.ExitStack, address: str, client: type,
               local_cluster: type) -> Executor:
    """An executor on a client of the scheduler at `address`, or of a new local cluster,
    which `stack` closes."""
    try:
        if address == LOCAL:  # its logs are Dask's own business: a task's error reaches
            # the batch through its future, and its workers' heartbeats fail as it closes
            with ctrl_c_left_to_this_process():
                cluster = stack.enter_context(local_cluster(
                    n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                    dashboard_address=None, silence_logs=logging.CRITICAL,
                    # no dashboard, but the scheduler serves its health routes anyway, by
                    # default on port 8787: a free port instead, or a second batch warns
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}))
            return stack.enter_context(client(cluster)).get_executor()
        return stack.enter_context(client(address, timeout=CONNECT_TIMEOUT_S)).get_executor()
    except (OSError, TimeoutError, ValueError) as error:
        raise ExecutorError(f"cannot reach a Dask scheduler at {address} ({error}) — give "
                            "its address as tcp://host:port, or 'local' for a cluster on "
                            "this machine") from None


@contextlib.contextmanager
def ctrl_c_left_to_this_process() -> Iterator[None]:
    """Processes started in this block ignore Ctrl-C (an ignored signal stays ignored in a
    child, and Python keeps it so): the terminal sends it to them too, and a Dask worker
    interrupted prints tracebacks, while this process closes the cluster cleanly anyway."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler, and only it gets Ctrl-C
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
