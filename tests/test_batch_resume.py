"""Stopping `vnplan batch` at any moment loses nothing and doubles nothing.

A real `vnplan batch` process is killed with SIGKILL part way, run again and stopped
with Ctrl-C (SIGINT), then run to the end. Its database must then hold, row for row,
what one uninterrupted run writes: every table compared, order-insensitively.
"""
from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from vnplan.batch import ArchiveLimits, BatchOptions, run_batch
from vnplan.batch.schema import CONTENT_TABLES, RECORD_TABLES, TABLES, quoted
from vnplan.batch.store import Store, compare
from vnplan.batch.worker import Result, extract_bytes

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "tests" / "data" / "generated"
DONE = re.compile(r"^vnplan batch: (\d+)/?\d* files done")


def slowly(doc_id: str, name: str, data: bytes, limits: object) -> Result:
    """vnplan's extraction, a little slower: the run lasts long enough to be stopped part way."""
    time.sleep(0.02)
    return extract_bytes(doc_id, name, data, limits)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def batch_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """140 varied plans in folders, a zip (holding a tar.gz) and a tar.gz; PDFs and DOCX; broken,
    hostile and duplicate files."""
    import make_variants  # not at the top: the stopped runs import this module without scripts/ on their path

    root = tmp_path_factory.mktemp("resume") / "in"
    make_variants.write(root, 140, seed=7, per_folder=35, archives=True)
    extra = root / "extra"
    extra.mkdir()
    for name in ("000.pdf", "001.docx", "002.pdf", "encrypted.pdf"):
        (extra / name).write_bytes((GEN / name).read_bytes())
    (extra / "d11.pdf").write_bytes((ROOT / "corpus" / "dev" / "plans" / "d11.pdf").read_bytes())
    (extra / "truncated.pdf").write_bytes((GEN / "003.pdf").read_bytes()[:2000])
    (extra / "empty.md").write_bytes(b"")
    first = sorted((root / "0000").iterdir())
    (extra / "same-as-first.txt").write_bytes(first[0].read_bytes())  # a duplicate on disk
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as tf:
        for name, data in (("t/dup.txt", first[1].read_bytes()), ("../../slip.txt", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    with zipfile.ZipFile(extra / "more.zip", "w") as z:
        z.writestr("more/dup-in-zip.txt", first[2].read_bytes())  # a duplicate in an archive
        z.writestr("more/bomb.txt", b"\0" * (20 * 1024 * 1024), compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("more/nested.tar.gz", tgz.getvalue())
    return root


def _as_in_a_terminal() -> None:
    """Ctrl-C reaches the run as it would in a terminal.

    A shell without job control starts background commands with SIGINT ignored, and a
    Python started that way keeps ignoring it; CI may run the tests like that.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(src: Path, out: Path, slow: bool = True) -> subprocess.Popen[str]:
    hook = ["--task-fn", "test_batch_resume:slowly"] if slow else []
    return subprocess.Popen(
        [sys.executable, "-m", "vnplan", "batch", str(src), "--out", str(out), "--workers", "2", "--log-every", "0",
         "--commit-seconds", "0.05", "--quiet", "--max-ratio", "100", *hook],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT / "tests")}, preexec_fn=_as_in_a_terminal)


def _stop_after(proc: subprocess.Popen[str], files_done: int, sig: int) -> list[str]:
    """Send ``sig`` once the run reports ``files_done`` files; the run's log lines."""
    lines = []
    assert proc.stderr is not None
    for line in proc.stderr:
        lines.append(line.rstrip("\n"))
        m = DONE.match(line)
        if m and int(m.group(1)) >= files_done:
            proc.send_signal(sig)
            break
    _, rest = proc.communicate(timeout=120)
    return lines + rest.splitlines()


def _done_count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM done").fetchone()[0]
    finally:
        con.close()


def test_kill_9_and_ctrl_c_then_resume_equals_one_run(batch_inputs: Path, tmp_path: Path) -> None:
    ref = tmp_path / "uninterrupted.duckdb"
    summary = run_batch([batch_inputs], ref, options=BatchOptions(workers=2, archive_limits=ArchiveLimits(max_ratio=100)))
    assert summary.status == "finished" and summary.exit_code == 1  # the broken files
    total = _done_count(ref)
    assert total > 130

    db = tmp_path / "stopped.duckdb"
    # 1. kill -9 about a quarter of the way: no chance to clean up
    log = _stop_after(_start(batch_inputs, db), 45, signal.SIGKILL)
    first = _done_count(db)
    assert 0 < first < total, log
    # 2. Ctrl-C further on: finished files are committed, the run says it was interrupted.
    # A third of what is left: the run must still have work when the signal lands, even when
    # the reader of its log lags behind on a loaded machine.
    p2 = _start(batch_inputs, db)
    log2 = _stop_after(p2, first + max(5, (total - first) // 3), signal.SIGINT)
    assert p2.returncode == 130, log2[-12:]
    second = _done_count(db)
    assert first < second < total, (first, second, total)
    # 3. to the end
    p3 = _start(batch_inputs, db, slow=False)
    _, err3 = p3.communicate(timeout=300)
    assert p3.returncode == 1, err3
    # nothing finished before was read again: this run read exactly the documents not yet done
    m = re.search(r"— (\d+) records, (\d+) errors", err3.splitlines()[-1])
    assert m and int(m.group(1)) + int(m.group(2)) == total - second, err3.splitlines()[-1]

    a, b = Store(db), Store(ref)
    try:
        assert compare(a, b) == {}  # every content table, row for row
        for t in CONTENT_TABLES:
            assert a.table_rows(t) == b.table_rows(t), t
        assert sorted(a.con.execute("SELECT doc_id, status FROM done").fetchall()) == \
            sorted(b.con.execute("SELECT doc_id, status FROM done").fetchall())
        # nothing doubled: every list part appears once per (document, position)
        for t in RECORD_TABLES:
            keys = [c for c in ("doc_id", "assignment_idx", "idx") if c in dict(TABLES[t])]
            cols = ", ".join(keys)
            n, distinct = a.con.execute(f"SELECT count(*), count(DISTINCT ({cols})) FROM {quoted(t)}").fetchone()
            assert n == distinct, t
        assert [r[0] for r in a.con.execute("SELECT status FROM runs ORDER BY run_id").fetchall()] == \
            ["running", "interrupted", "finished"]  # the killed run never got to say it ended
        assert a.con.execute("SELECT count(*) FROM plans").fetchone()[0] == \
            a.con.execute("SELECT count(*) FROM done WHERE status = 'ok'").fetchone()[0]
        kinds = dict(a.con.execute("SELECT regexp_extract(path, '[^/]+$'), kind FROM errors").fetchall())
        assert kinds["encrypted.pdf"] == "encrypted" and kinds["truncated.pdf"] == "corrupt"
        assert kinds["slip.txt"] == "unsafe-path" and kinds["bomb.txt"] == "limit"
        dup = a.con.execute("SELECT count(*) FROM sources GROUP BY doc_id HAVING count(*) > 1").fetchall()
        assert len(dup) == 3
    finally:
        a.close()
        b.close()
