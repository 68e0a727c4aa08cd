"""--executor dask: documents sent to a Dask cluster give the results of a local run."""

from __future__ import annotations

import importlib.util

import pytest
from batch_samples import portfolio
from conftest import run_cli

# Looked up, not imported: importing Dask costs a second at collection, also of the quick run
# that deselects these tests.
if importlib.util.find_spec("distributed") is None:
    pytest.skip("the Dask extra is not installed (pip install 'contractscan[dask]')", allow_module_level=True)
pytestmark = pytest.mark.slow  # a local cluster and the CLI in processes


@pytest.fixture(scope="module")
def cluster():
    import distributed

    # Threads in this process, listening on loopback only.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://",
                                  host="127.0.0.1", dashboard_address=None) as c:
        yield c


def test_dask_gives_the_results_of_a_local_run(cluster, tmp_path):
    folder = portfolio(tmp_path)
    local = run_cli(str(folder), "--format", "jsonl", "--workers", "2")
    remote = run_cli(str(folder), "--format", "jsonl", "--executor", "dask", "--scheduler", cluster.scheduler_address)
    assert remote.returncode == local.returncode == 3, remote.stderr
    assert remote.stdout == local.stdout
    assert len(remote.stdout.splitlines()) == 8


def test_dask_with_the_store_and_extra_rules(cluster, tmp_path):
    folder = portfolio(tmp_path)
    extra = tmp_path / "extra.yaml"
    extra.write_text("id: payment_terms\nname: Payment terms\ndescription: fees\nrecommendation: r\n"
                     "patterns:\n  - phrase: hold harmless\n")
    db = tmp_path / "r.db"
    args = [str(folder), "--format", "jsonl", "--rules", str(extra)]
    local = run_cli(*args)
    remote = run_cli(*args, "--executor", "dask", "--scheduler", cluster.scheduler_address, "--db", str(db))
    assert remote.stdout == local.stdout
    assert '"payment_terms"' in remote.stdout
    again = run_cli(*args, "--executor", "dask", "--scheduler", cluster.scheduler_address, "--db", str(db))
    assert again.stdout == local.stdout


def test_dask_needs_a_scheduler(tmp_path):
    proc = run_cli(str(portfolio(tmp_path)), "--executor", "dask")
    assert proc.returncode == 2 and "--scheduler" in proc.stderr
