"""`vnplan batch --engine dask --scheduler ADDRESS`: the same outputs as a local run, on a
``distributed.LocalCluster`` this test starts (two worker processes)."""
from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vnplan.batch import BatchOptions, Store, extract_many, run_batch
from vnplan.batch.store import compare
from vnplan.batch.worker import Result, extract_bytes

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "tests" / "data" / "generated"
PLANS = sorted((ROOT / "corpus" / "plans").glob("*.txt"))


def stuck_on_hang(doc_id: str, name: str, data: bytes, limits: object) -> Result:
    """vnplan's extraction, except that a file named hang.txt takes far longer than its time limit."""
    if name.endswith("hang.txt"):
        time.sleep(8)
    return extract_bytes(doc_id, name, data, limits)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as c:
        yield c


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import make_variants

    root = tmp_path_factory.mktemp("dask") / "in"
    make_variants.write(root, 40, seed=11, per_folder=20, archives=True)
    (root / "x").mkdir()
    (root / "x" / "001.docx").write_bytes((GEN / "001.docx").read_bytes())
    (root / "x" / "004.pdf").write_bytes((GEN / "004.pdf").read_bytes())
    (root / "x" / "encrypted.pdf").write_bytes((GEN / "encrypted.pdf").read_bytes())
    (root / "x" / "empty.txt").write_bytes(b"")
    (root / "x" / "copy.txt").write_bytes(next((root / "0000").iterdir()).read_bytes())
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("/etc/cron.d/evil")
        info.size = 4
        tf.addfile(info, io.BytesIO(b"evil"))
    with zipfile.ZipFile(root / "x" / "box.zip", "w") as z:
        z.writestr("a/plan.txt", PLANS[2].read_bytes())
        z.writestr("a/evil.tar.gz", buf.getvalue())
    return root


def test_dask_cli_writes_what_a_local_run_writes(cluster: Any, src: Path, tmp_path: Path) -> None:
    local = tmp_path / "local.duckdb"
    assert run_batch([src], local, options=BatchOptions(workers=2)).exit_code == 1
    on_dask = tmp_path / "dask.duckdb"
    p = subprocess.run([sys.executable, "-m", "vnplan", "batch", str(src), "--out", str(on_dask), "--engine", "dask",
                        "--scheduler", cluster.scheduler_address, "--log-every", "0"],
                       cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert p.returncode == 1, p.stderr
    assert "started, 2 dask workers" in p.stderr
    a, b = Store(local), Store(on_dask)
    try:
        assert compare(a, b) == {}
        assert b.con.execute("SELECT engine, workers, status FROM runs").fetchall() == [("dask", 2, "finished")]
        assert b.con.execute("SELECT count(*) FROM plans").fetchone()[0] == 43  # 40 variants, a docx, a pdf, a zipped plan
        kinds = sorted(k for (k,) in b.con.execute("SELECT kind FROM errors").fetchall())
        assert kinds == ["empty", "encrypted", "unsafe-path"]
    finally:
        a.close()
        b.close()
    # run again on the cluster: nothing to do
    again = subprocess.run([sys.executable, "-m", "vnplan", "batch", str(src), "--out", str(on_dask),
                            "--scheduler", cluster.scheduler_address, "--log-every", "0", "--quiet"],
                           cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert "0 new, 0 errors, 0 duplicates, 47 done before" in again.stderr, again.stderr


def test_extract_many_on_dask(cluster: Any, src: Path) -> None:
    local = {r.path: r for r in extract_many([src], workers=2)}
    remote = {r.path: r for r in extract_many([src], engine="dask", scheduler=cluster.scheduler_address)}
    assert remote.keys() == local.keys()
    for path, r in remote.items():
        assert (r.status, r.doc_id, r.error_kind) == (local[path].status, local[path].doc_id, local[path].error_kind)
        if r.record is not None:
            assert r.record == local[path].record


def test_dask_file_over_its_time(cluster: Any, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "hang.txt").write_bytes(PLANS[0].read_bytes() + b"hang")
    (src / "fine.txt").write_bytes(PLANS[1].read_bytes())
    results = {Path(r.path).name: r for r in extract_many([src], engine="dask", scheduler=cluster.scheduler_address,
                                                         timeout=2, task_fn="test_batch_dask:stuck_on_hang")}
    assert results["hang.txt"].error_kind == "timeout"
    assert results["fine.txt"].status == "ok"


def test_no_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(PLANS[0].read_bytes())
    p = subprocess.run([sys.executable, "-m", "vnplan", "batch", str(tmp_path), "--out", str(tmp_path / "o.duckdb"),
                        "--scheduler", "tcp://127.0.0.1:9", "--scheduler-timeout", "3", "--no-progress"],
                       cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert p.returncode == 2
    assert "vnplan batch:" in p.stderr and "Traceback" not in p.stderr
