"""The local process pool: the terminal's Ctrl-C reaches its workers too. It must end the
task a worker is running (the batch keeps what finished), and never kill a worker that is
waiting for its next task — that printed a traceback under the batch's last line."""

from __future__ import annotations

import os
import signal
import time

from sim.executors import executor_for


def whoami() -> int:
    return os.getpid()


def sleeps(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def test_a_waiting_worker_lives_through_ctrl_c():
    """SIGINT to each idle worker; the pool still runs tasks, on the same processes."""
    with executor_for(jobs=2) as pool:
        workers = {pool.submit(whoami).result(timeout=60) for _ in range(8)}
        for pid in workers:
            os.kill(pid, signal.SIGINT)
        time.sleep(0.5)  # a worker that died of it would be gone by now
        for pid in workers:
            os.kill(pid, 0)  # still there
        assert {pool.submit(whoami).result(timeout=60) for _ in range(8)} <= workers


def test_ctrl_c_ends_the_task_a_worker_is_running():
    """SIGINT to a busy worker: its task ends with KeyboardInterrupt, which the batch reads
    as the interrupt, and the worker goes on to the next task."""
    with executor_for(jobs=2) as pool:
        pid = pool.submit(whoami).result(timeout=60)
        busy = [pool.submit(sleeps, 3.0) for _ in range(2)]  # one on each worker
        time.sleep(1.0)
        os.kill(pid, signal.SIGINT)
        outcomes = []
        for future in busy:
            try:
                outcomes.append(future.result(timeout=60))
            except KeyboardInterrupt:
                outcomes.append("interrupted")
        assert sorted(outcomes) == ["interrupted", "slept"]
        assert pool.submit(sleeps, 0).result(timeout=60) == "slept"
