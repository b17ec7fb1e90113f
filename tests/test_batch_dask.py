"""`tabletop batch --dask local` and `--dask tcp://host:port`: the same batch on a real Dask
cluster — a scheduler and two worker processes on the loopback interface, started by
tabletop or by hand — gives the same rows as one process."""

from __future__ import annotations

import contextlib
import pathlib
import socket
import subprocess
import sys
import time
import warnings

import pytest
from cli_support import ctrl_c, tabletop
from conftest import ROOT

from sim.executors import on_dask

pytest.importorskip("distributed", reason="the 'dask' extra is not installed")

STORY = ROOT / "tests" / "scenarios" / "batch-story.yaml"


def test_same_rows_on_a_local_dask_cluster_as_in_one_process(tmp_path):
    """Two worker processes on a LocalCluster write the CSV `--jobs 1` writes — a value
    `--set` puts in every run travelling with the rest."""
    outputs = []
    for where in (("--jobs", "1"), ("--dask", "local")):
        path = tmp_path / f"{where[1]}.csv"
        result = tabletop("batch", STORY, "--runs", "10", *where, "-o", path,
                          "--set", "channels.liaison.latency=5m")
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        outputs.append((path.read_text(encoding="utf-8"), result.stdout))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][0].splitlines()) == 1 + 3 * 10
    assert outputs[0][1].startswith("Set in every run: channels.liaison.latency=5m\n")


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def scheduler(tmp_path):
    """A Dask scheduler and one worker, started as an operator would (`dask scheduler`,
    `dask worker ADDRESS`) on the loopback interface; its address. Stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = str(pathlib.Path(sys.executable).with_name("dask"))
    started = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                 "--no-dashboard"], stderr=subprocess.DEVNULL, cwd=tmp_path)]
    try:
        deadline = time.monotonic() + 60
        while not listening(port):
            assert time.monotonic() < deadline, "the scheduler never listened"
            time.sleep(0.2)
        started.append(subprocess.Popen([dask, "worker", address, "--nworkers", "2",
                                         "--nthreads", "1", "--no-dashboard"],
                                        stderr=subprocess.DEVNULL, cwd=tmp_path))
        yield address
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=60)


def test_a_local_cluster_leaves_port_8787_to_others():
    """With port 8787 taken (by another cluster's scheduler, say), `--dask local` neither
    needs it nor warns about it: its scheduler's web routes take a free port."""
    with socket.socket() as taken:
        with contextlib.suppress(OSError):  # taken already: the case at hand
            taken.bind(("127.0.0.1", 8787))
            taken.listen()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with on_dask("local") as executor:
                assert executor.submit(sum, [1, 2]).result(timeout=60) == 3
    assert not [w for w in caught if "already in use" in str(w.message)]


def test_same_rows_on_a_dask_scheduler_given_by_address(tmp_path, scheduler):
    """`--dask tcp://host:port`: the cluster an analyst points at, here two worker processes
    behind a scheduler on loopback, writes the CSV `--jobs 1` writes."""
    outputs = []
    for where in (("--jobs", "1"), ("--dask", scheduler)):
        path = tmp_path / f"{where[0].strip('-')}.csv"
        result = tabletop("batch", STORY, "--runs", "6", *where, "-o", path)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        outputs.append((path.read_text(encoding="utf-8"), result.stdout))
    assert outputs[0] == outputs[1]


def test_ctrl_c_leaves_a_cluster_given_by_address_running(tmp_path, scheduler):
    """Ctrl-C stops the batch, keeps its finished runs, and cancels its tasks on the
    cluster without stopping the cluster: another batch runs on it at once."""
    results = tmp_path / "results.csv"
    code, said = ctrl_c("batch", STORY, "--runs", "20000", "--dask", scheduler, "-o", results)
    assert code == 130 and len(said) == 2, said
    assert said[-1].startswith("tabletop: batch interrupted after ")
    again = tabletop("batch", STORY, "--runs", "2", "--dask", scheduler)
    assert again.returncode == 0, again.stderr
