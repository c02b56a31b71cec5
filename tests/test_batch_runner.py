"""Batches end to end: extract_many and `vnplan batch` over mixed formats, broken files,
duplicates and archives; per-file time and memory limits; resuming; a full disk; the
progress output; the three output formats."""
from __future__ import annotations

import importlib
import io
import json
import os
import resource
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

import vnplan
from vnplan.batch import BatchOptions, Store, extract_many, run_batch
from vnplan.batch.schema import CONTENT_TABLES
from vnplan.batch.store import compare
from vnplan.batch.worker import Result, extract_bytes

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "tests" / "data" / "generated"
PLANS = sorted((ROOT / "corpus" / "plans").glob("*.txt"))


# -- hooks run by the workers (task_fn="test_batch_runner:pathological") ----------------


def pathological(doc_id: str, name: str, data: bytes, limits: object) -> Result:
    """vnplan's extraction, except for files named to hang, eat memory or crash the worker."""
    if name.endswith("hang.txt"):
        time.sleep(600)
    if name.endswith("hog.txt"):
        hog = bytearray(900 * 1024 * 1024)  # touched, so it is resident
        for i in range(0, len(hog), 4096):
            hog[i] = 1
        time.sleep(600)
    if name.endswith("crash.txt"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return extract_bytes(doc_id, name, data, limits)  # type: ignore[arg-type]


# -- inputs ----------------------------------------------------------------------------


def _targz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def mixed_inputs(root: Path) -> Path:
    """Nested folders and archives of every format, broken files and one file found three times."""
    src = root / "in"
    (src / "2023" / "scans").mkdir(parents=True)
    (src / "2024").mkdir()
    for p in PLANS[:3]:
        (src / "2023" / p.name).write_bytes(p.read_bytes())
    (src / "2023" / "scans" / "d11.pdf").write_bytes((ROOT / "corpus" / "dev" / "plans" / "d11.pdf").read_bytes())
    (src / "2024" / "000.pdf").write_bytes((GEN / "000.pdf").read_bytes())
    (src / "2024" / "001.docx").write_bytes((GEN / "001.docx").read_bytes())
    (src / "2024" / "copy-of-000.txt").write_bytes(PLANS[0].read_bytes())  # the same bytes as 2023/000_...txt
    # broken files
    (src / "2024" / "encrypted.pdf").write_bytes((GEN / "encrypted.pdf").read_bytes())
    (src / "2024" / "truncated.pdf").write_bytes((GEN / "002.pdf").read_bytes()[:1500])
    (src / "2024" / "empty.txt").write_bytes(b"")
    (src / "2024" / "noise.bin").write_bytes(bytes(range(256)) * 8)
    (src / "2024" / "not-a-docx.docx").write_bytes(b"PK\x03\x04 this is no zip at all" * 10)
    # an archive with a document, a nested archive and the third copy of plan 000
    with zipfile.ZipFile(src / "box.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("box/004.txt", PLANS[4].read_bytes())
        z.writestr("box/again-000.txt", PLANS[0].read_bytes())
        z.writestr("box/inner.tar.gz", _targz({"inner/003.txt": PLANS[3].read_bytes(),
                                               "inner/002.docx": (GEN / "002.docx").read_bytes(),
                                               "../escape.txt": b"zip-slip"}))
    return src


EXPECTED_ERRORS = {
    "2024/encrypted.pdf": "encrypted",
    "2024/truncated.pdf": "corrupt",
    "2024/empty.txt": "empty",
    "2024/noise.bin": "unsupported-format",
    "2024/not-a-docx.docx": "corrupt",
    "box.zip!/box/inner.tar.gz!/../escape.txt": "unsafe-path",
}


def _rel(path: str, src: Path) -> str:
    return path.replace(str(src) + "/", "")


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mixed_inputs(tmp_path_factory.mktemp("mixed"))


# -- extract_many ----------------------------------------------------------------------


def test_extract_many_mixed_formats(src: Path) -> None:
    results = list(extract_many([src], workers=2))
    by = {_rel(r.path, src): r for r in results}
    assert len(results) == len(by) == 17  # one result per file, nothing twice
    errors = {p: r.error_kind for p, r in by.items() if r.status == "error"}
    assert errors == EXPECTED_ERRORS
    # every other file has its record, the same as vnplan.extract gives for it
    for rel in ("2023/" + PLANS[1].name, "2023/scans/d11.pdf", "2024/000.pdf", "2024/001.docx"):
        r = by[rel]
        assert r.status == "ok" and r.record is not None
        assert r.record.model_dump(mode="json") == vnplan.extract(src / rel).model_dump(mode="json")
    assert by["box.zip!/box/inner.tar.gz!/inner/002.docx"].record.source.format == "docx"
    # the same bytes three times: one extraction, two duplicates with the same record
    same = [r for p, r in by.items() if r.doc_id == by["2023/" + PLANS[0].name].doc_id]
    assert sorted(r.status for r in same) == ["duplicate", "duplicate", "ok"]
    assert all(r.record is not None and r.record.number == "22" for r in same)
    assert Counter(r.status for r in results) == {"ok": 9, "duplicate": 2, "error": 6}


def test_batch_into_duckdb_then_resume_does_nothing_twice(src: Path, tmp_path: Path) -> None:
    db = tmp_path / "out.duckdb"
    first = list(extract_many([src], out=db, workers=2))
    assert Counter(r.status for r in first)["ok"] == 9
    store = Store(db)
    try:
        con = store.con
        assert con.execute("SELECT count(*) FROM plans").fetchone()[0] == 9
        assert con.execute("SELECT count(*) FROM errors").fetchone()[0] == 6
        assert con.execute("SELECT count(*) FROM done").fetchone()[0] == 15
        assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 17
        # the file found three times: one plan, three paths
        doc = next(r.doc_id for r in first if r.path.endswith(PLANS[0].name))
        paths = sorted(_rel(p, src) for (p,) in con.execute("SELECT path FROM sources WHERE doc_id = ?", [doc]).fetchall())
        assert paths == ["2023/" + PLANS[0].name, "2024/copy-of-000.txt", "box.zip!/box/again-000.txt"]
        assert con.execute("SELECT chain FROM sources WHERE path LIKE '%inner/003.txt'").fetchone()[0] == [
            str(src / "box.zip"), "box/inner.tar.gz", "inner/003.txt"]
        kinds = dict(con.execute("SELECT path, kind FROM errors").fetchall())
        assert {_rel(p, src): k for p, k in kinds.items()} == EXPECTED_ERRORS
        assert dict(con.execute("SELECT path, id_kind FROM errors").fetchall())[
            str(src / "box.zip") + "!/box/inner.tar.gz!/../escape.txt"] == "path"
        # every record can be read back whole from the tables
        for r in first:
            if r.status == "ok":
                assert store.read_record(r.doc_id) == r.record.model_dump(mode="json")
        before = {t: store.table_rows(t) for t in (*CONTENT_TABLES, "done")}
    finally:
        store.close()

    again = list(extract_many([src], out=db, workers=2))
    assert Counter(r.status for r in again) == {"done-before": 17}  # copies too: an earlier run did them
    back = next(r for r in again if r.path.endswith("2024/001.docx"))  # its record is read back from the database
    assert back.record.model_dump(mode="json") == vnplan.extract(src / "2024" / "001.docx").model_dump(mode="json")
    assert next(r for r in again if r.path.endswith("empty.txt")).error_kind == "empty"
    store = Store(db)
    try:
        assert {t: store.table_rows(t) for t in (*CONTENT_TABLES, "done")} == before
        assert [r[3] for r in store.con.execute("SELECT * FROM runs ORDER BY run_id").fetchall()] == ["finished"] * 2
    finally:
        store.close()


def test_time_memory_and_crash_limits(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in PLANS:
        (src / p.name).write_bytes(p.read_bytes())
    for bad in ("hang.txt", "hog.txt", "crash.txt"):
        (src / bad).write_bytes(PLANS[0].read_bytes() + bad.encode())  # distinct bytes, distinct documents
    t0 = time.monotonic()
    results = list(extract_many([src], workers=2, timeout=4, memory_mb=400,
                                task_fn="test_batch_runner:pathological"))
    elapsed = time.monotonic() - t0
    by = {Path(r.path).name: r for r in results}
    assert by["hang.txt"].error_kind == "timeout"
    assert by["hog.txt"].error_kind == "memory"
    assert by["crash.txt"].error_kind == "crash" and "SIGSEGV" in by["crash.txt"].error_message
    assert all(by[p.name].status == "ok" for p in PLANS)  # the workers were replaced and went on
    assert elapsed < 30


# -- the command -----------------------------------------------------------------------


def vnplan_batch(*args: object, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vnplan", "batch", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=300, **kw)  # type: ignore[call-overload]


def test_cli_duckdb_progress_lines_and_exit_codes(src: Path, tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    p = vnplan_batch(src, "--out", db, "--workers", "2", "--log-every", "0")
    assert p.returncode == 1, p.stderr  # some files failed
    lines = p.stderr.splitlines()
    assert any(line.startswith("vnplan batch: 17/17 files done (9 new, 6 errors, 2 duplicates, 0 done before)")
               for line in lines), lines
    assert any(line.startswith("vnplan: ") and "2024/empty.txt: empty: " in line for line in lines)
    assert "finished: 17 files" in lines[-1]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM plans").fetchone()[0] == 9
    con.close()
    again = vnplan_batch(src, "--out", db, "--log-every", "0", "--quiet")
    assert again.returncode == 1  # the failed files are still failed
    assert "17/17 files done (0 new, 0 errors, 0 duplicates, 17 done before)" in again.stderr
    assert "empty.txt" not in again.stderr

    assert vnplan_batch(tmp_path / "nope", "--out", db).returncode == 2
    assert vnplan_batch(src, "--out", db, "--engine", "dask").returncode == 2
    assert vnplan_batch(src, "--out", tmp_path).returncode == 2  # a folder is no database file
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.txt").write_bytes(PLANS[0].read_bytes())
    assert vnplan_batch(clean, "--out", tmp_path / "c.duckdb", "--no-progress").returncode == 0


def test_cli_jsonl_and_parquet(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "j"
    p = vnplan_batch(src, "--out", out, "--format", "jsonl", "--quiet", "--no-progress")
    assert p.returncode == 1, p.stderr
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 9
    one = next(r for r in records if r["source"]["path"].endswith("2024/001.docx"))
    assert one == vnplan.extract(src / "2024" / "001.docx").model_dump(mode="json")
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {_rel(e["path"], src): e["kind"] for e in errors} == EXPECTED_ERRORS
    assert len((out / "sources.jsonl").read_text(encoding="utf-8").splitlines()) == 17
    assert not list(out.glob(".*.tmp"))

    pq = tmp_path / "p"
    assert vnplan_batch(src, "--out", pq, "--format", "parquet", "--quiet", "--no-progress").returncode == 1
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM '{pq}/plans.parquet'").fetchone()[0] == 9
    assert con.execute(f"SELECT count(*) FROM '{pq}/provenance.parquet'").fetchone()[0] == \
        sum(len(r["provenance"]) for r in records)
    # the parquet and jsonl outputs were written from the same rows
    a, b = Store(pq / "journal.duckdb"), Store(out / "journal.duckdb")
    try:
        assert compare(a, b) == {}
    finally:
        a.close()
        b.close()


def make_variants() -> Any:
    """scripts/make_variants.py (imported here, not at the top: worker processes import this module)."""
    return importlib.import_module("make_variants")


def test_interrupted_by_a_full_disk_then_resumed(tmp_path: Path) -> None:
    src = tmp_path / "v"
    make_variants().write(src, 120, seed=3, per_folder=40, archives=True)

    def small_disk() -> None:  # writes past 1.2 MB fail with EFBIG, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_200_000, 1_200_000))

    db = tmp_path / "full.duckdb"
    p = vnplan_batch(src, "--out", db, "--workers", "2", "--quiet", "--log-every", "100", "--commit-seconds", "0.1",
                     preexec_fn=small_disk)
    assert p.returncode == 3, p.stderr
    assert "run the same command again" in p.stderr
    assert vnplan_batch(src, "--out", db, "--workers", "2", "--quiet", "--no-progress").returncode == 0
    ref = tmp_path / "ref.duckdb"
    assert vnplan_batch(src, "--out", ref, "--workers", "2", "--quiet", "--no-progress").returncode == 0
    a, b = Store(db), Store(ref)
    try:
        assert compare(a, b) == {}
        assert a.con.execute("SELECT count(*) FROM plans").fetchone()[0] == 120
        assert [r[0] for r in a.con.execute("SELECT status FROM runs ORDER BY run_id").fetchall()] == ["stopped", "finished"]
    finally:
        a.close()
        b.close()


def test_live_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import pty

    src = tmp_path / "in"
    src.mkdir()
    for p in PLANS:
        (src / p.name).write_bytes(p.read_bytes())
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "vnplan", "batch", str(src), "--out", str(tmp_path / "t.duckdb"),
                             "--workers", "1"], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                            env={**os.environ, "COLUMNS": "120", "TERM": "xterm"})
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait(timeout=120) == 0
    text = out.decode("utf-8", "replace")
    assert "files" in text and "5/5" in text and "files/s" in text
    assert "\x1b[" in text  # drawn with terminal codes, not logged line by line
    assert "files done (" not in text


def test_run_batch_api_summary(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in PLANS[:2]:
        (src / p.name).write_bytes(p.read_bytes())
    s = run_batch([src], tmp_path / "o.duckdb", options=BatchOptions(workers=1))
    assert s.status == "finished" and s.exit_code == 0 and s.counts["ok"] == 2


def test_retry_errors_after_the_cause_is_fixed(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(PLANS[0].read_bytes())
    (src / "crash.txt").write_bytes(PLANS[1].read_bytes())
    db = tmp_path / "o.duckdb"
    first = {Path(r.path).name: r for r in extract_many([src], out=db, workers=1, task_fn="test_batch_runner:pathological")}
    assert first["crash.txt"].error_kind == "crash"
    second = {Path(r.path).name: r for r in extract_many([src], out=db, workers=1)}
    assert second["crash.txt"].status == "done-before" and second["crash.txt"].error_kind == "crash"  # not retried
    third = {Path(r.path).name: r for r in extract_many([src], out=db, workers=1, retry_errors=True)}
    assert third["crash.txt"].status == "ok" and third["a.txt"].status == "done-before"
    store = Store(db)
    try:
        assert store.con.execute("SELECT count(*) FROM errors").fetchone()[0] == 0
        assert store.con.execute("SELECT count(*) FROM plans").fetchone()[0] == 2
        assert store.con.execute("SELECT count(*) FROM done").fetchone()[0] == 2
    finally:
        store.close()


def test_an_output_in_use_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(PLANS[0].read_bytes())
    db = tmp_path / "o.duckdb"
    holder = Store(db)  # another run writing to it
    try:
        p = vnplan_batch(src, "--out", db, "--no-progress")
        assert p.returncode == 2 and "in use" in p.stderr, p.stderr
    finally:
        holder.close()
