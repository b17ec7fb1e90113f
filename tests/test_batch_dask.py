"""`tabletop batch --dask local`: the same batch on a real Dask cluster — a scheduler and two
worker processes on the loopback interface — gives the same rows as one process."""

from __future__ import annotations

import pytest
from cli_support import tabletop
from conftest import ROOT

pytest.importorskip("distributed", reason="the 'dask' extra is not installed")

STORY = ROOT / "tests" / "scenarios" / "batch-story.yaml"


def test_same_rows_on_a_local_dask_cluster_as_in_one_process(tmp_path):
    """Two worker processes on a LocalCluster write the CSV `--jobs 1` writes."""
    outputs = []
    for where in (("--jobs", "1"), ("--dask", "local")):
        path = tmp_path / f"{where[1]}.csv"
        result = tabletop("batch", STORY, "--runs", "10", *where, "-o", path)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        outputs.append((path.read_text(encoding="utf-8"), result.stdout))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][0].splitlines()) == 1 + 3 * 10
