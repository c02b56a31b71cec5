#!/usr/bin/env python3
"""Benchmark of `vnplan batch`: speed with 1 and 2 workers, memory as the batch grows, resume time.

    python benchmarks/bench_batch.py [--n 10000] [--small 1000] [--workdir DIR] [--archives] [--json OUT]

Makes N plans with scripts/make_variants.py (seed 0, 500 per folder), then runs the real
command (`python -m vnplan batch`) in a subprocess:

- files per second with 1 and 2 workers, on the first SMALL files and on all N (the
  rate counts the whole command: start-up, walk, hashing, extraction, database);
- peak resident memory of the batch process (the parent: walk, database writer) and of
  its largest worker, at SMALL and at N files: they must not grow with the batch;
- a 2-worker run killed with SIGKILL half way, and the time the same command then takes
  to finish; the resumed database is checked table by table against the uninterrupted one.

Prints a table. Needs Linux (/proc) for the memory figures.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DONE = re.compile(r"^vnplan batch: (\d+)")


@dataclass
class Run:
    label: str
    files: int
    workers: int
    seconds: float = 0.0
    rate: float = 0.0
    parent_peak_mb: float = 0.0
    parent_cpu_s: float = 0.0
    worker_peak_mb: float = 0.0
    db_mb: float = 0.0
    returncode: int | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def _hwm_kb(pid: int) -> int:
    """Peak resident memory (VmHWM) of a process so far, in KiB; 0 when gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far; 0 when gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
        out.extend(kids)
        todo.extend(kids)
    return out


class Sampler(threading.Thread):
    """Follows the batch process and its workers, keeping the highest peak of each."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.parent_kb = 0
        self.parent_cpu = 0.0
        self.worker_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.parent_kb = max(self.parent_kb, _hwm_kb(self.pid))
            self.parent_cpu = max(self.parent_cpu, _cpu_s(self.pid))
            for child in _descendants(self.pid):
                self.worker_kb = max(self.worker_kb, _hwm_kb(child))
            time.sleep(0.1)


def batch(inputs: list[Path], out: Path, workers: int, *, kill_at: int | None = None) -> tuple[float, int, Sampler, str]:
    cmd = [sys.executable, "-m", "vnplan", "batch", *map(str, inputs), "--out", str(out), "--workers", str(workers),
           "--quiet", "--log-every", "0.5"]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    last = ""
    assert proc.stderr is not None
    for line in proc.stderr:
        last = line.strip() or last
        m = DONE.match(line)
        if kill_at is not None and m and int(m.group(1)) >= kill_at:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait()
    seconds = time.monotonic() - t0
    time.sleep(0.2)
    sampler.stop.set()
    sampler.join()
    return seconds, proc.returncode, sampler, last


def db_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20


def same_tables(a: Path, b: Path) -> list[str]:
    """Content tables whose rows differ between two batch databases (compared inside DuckDB)."""
    import duckdb

    from vnplan.batch.schema import CONTENT_TABLES, quoted

    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    diff = []
    for t in CONTENT_TABLES:
        q = quoted(t)
        n = con.execute(f"SELECT (SELECT count(*) FROM (SELECT * FROM a.{q} EXCEPT ALL SELECT * FROM b.{q})) + "
                        f"(SELECT count(*) FROM (SELECT * FROM b.{q} EXCEPT ALL SELECT * FROM a.{q}))").fetchone()[0]
        if n:
            diff.append(t)
    con.close()
    return diff


def count(db: Path, table: str) -> int:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--small", type=int, default=1_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=None, help="keep the variants and databases here")
    ap.add_argument("--archives", action="store_true", help="pack the variants in .zip/.tar.gz archives")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    a = ap.parse_args(argv)

    work = a.workdir or Path(tempfile.mkdtemp(prefix="vnplan-bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    spec = importlib.util.spec_from_file_location("make_variants", ROOT / "scripts" / "make_variants.py")
    mv = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["make_variants"] = mv
    spec.loader.exec_module(mv)  # type: ignore[union-attr]
    variants = work / "variants"
    t0 = time.monotonic()
    if variants.exists():
        shutil.rmtree(variants)
    per_folder = 500
    tops = mv.write(variants, a.n, seed=a.seed, per_folder=per_folder, archives=a.archives)
    print(f"made {a.n:,} variants in {time.monotonic() - t0:.1f} s under {variants}", file=sys.stderr)
    small_tops = tops[: max(1, a.small // per_folder)]

    runs: list[Run] = []

    def measure(label: str, inputs: list[Path], files: int, workers: int) -> tuple[Run, Path]:
        db = work / f"{label}.duckdb"
        for p in work.glob(db.name + "*"):
            p.unlink()
        seconds, rc, s, last = batch(inputs, db, workers)
        r = Run(label, files, workers, seconds, files / seconds, s.parent_kb / 1024, s.parent_cpu, s.worker_kb / 1024,
                db_size_mb(db), rc, last)
        runs.append(r)
        print(f"{label}: {files:,} files, {workers} worker(s): {seconds:.1f} s, {r.rate:.1f} files/s, parent peak "
              f"{r.parent_peak_mb:.0f} MiB, worker peak {r.worker_peak_mb:.0f} MiB", file=sys.stderr)
        return r, db

    measure(f"{a.small}-1w", small_tops, a.small, 1)
    measure(f"{a.small}-2w", small_tops, a.small, 2)
    measure(f"{a.n}-1w", tops, a.n, 1)
    _, full = measure(f"{a.n}-2w", tops, a.n, 2)

    # killed half way, then resumed
    db = work / "killed.duckdb"
    for p in work.glob(db.name + "*"):
        p.unlink()
    killed_s, rc, _, _ = batch(tops, db, 2, kill_at=a.n // 2)
    done_at_kill = count(db, "done")
    resume_s, rc2, s2, last = batch(tops, db, 2)
    diff = same_tables(db, full)
    resume = Run("resume", a.n, 2, resume_s, (a.n - done_at_kill) / resume_s, s2.parent_kb / 1024, s2.parent_cpu,
                 s2.worker_kb / 1024, db_size_mb(db), rc2, last,
                 extra={"killed_after_s": round(killed_s, 1), "done_at_kill": done_at_kill,
                        "plans_after_resume": count(db, "plans"), "tables_differing_from_uninterrupted": diff})
    runs.append(resume)

    print()
    load = os.getloadavg()
    print(f"vnplan batch benchmark: {a.n:,} plans from scripts/make_variants.py (seed {a.seed}), {os.cpu_count()} cores, "
          f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print()
    print("| run | files | workers | seconds | files/s | parent peak MiB | parent CPU s | worker peak MiB | database MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        print(f"| {r.label} | {r.files:,} | {r.workers} | {r.seconds:.1f} | {r.rate:.1f} | {r.parent_peak_mb:.0f} | "
              f"{r.parent_cpu_s:.1f} | {r.worker_peak_mb:.0f} | {r.db_mb:.0f} |")
    print()
    print(f"killed with SIGKILL after {killed_s:.1f} s with {done_at_kill:,} of {a.n:,} files committed; the same "
          f"command then finished the other {a.n - done_at_kill:,} in {resume_s:.1f} s "
          f"({resume.extra['plans_after_resume']:,} plans in the end; tables differing from the uninterrupted run: "
          f"{diff or 'none'})")
    if a.json:
        a.json.write_text(json.dumps([asdict(r) for r in runs], indent=1) + "\n", encoding="utf-8")
    if a.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if not diff and resume.extra["plans_after_resume"] == a.n else 1


if __name__ == "__main__":
    sys.exit(main())
