"""The batch loop: files from the walk, extraction by an engine, rows into the store.

One thread walks the inputs and hashes each file (its sha256 is its ``doc_id``),
a few files ahead of the workers. The loop here decides what each file needs:

- refused by the walk (unsafe, too large, broken archive): an error row, no extraction;
- a ``doc_id`` already done (an earlier run, or the same bytes under another name):
  only a ``sources`` row — never a second record;
- the same bytes as a file now being extracted: wait for that one;
- otherwise: extraction by the engine.

Finished files go to the store in groups, each group one transaction with the
files' ``done`` markers: a run stopped at any moment is resumed by running it
again, and nothing is written twice (``sources`` rows are insert-or-ignore).
"""
from __future__ import annotations

import hashlib
import os
import queue
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io import Limits
from .schema import Rows, flatten, merge_rows, path_id
from .sources import ArchiveLimits, Item, count_items, expand_inputs, iter_items
from .store import FORMATS, Store, StoreError, database_path
from .worker import Task

if TYPE_CHECKING:
    from ..models import PlanRecord
    from .progress import Progress

STATUSES = ("ok", "error", "duplicate", "done-before")


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs. ``None`` for ``workers`` means one per core; for ``timeout``/``memory_mb``, no limit."""

    workers: int | None = None
    timeout: float | None = 600.0  # seconds per file (OCR of a long scan takes minutes)
    memory_mb: int | None = 2048  # resident memory per worker
    limits: Limits | None = None  # what one document may be (bytes, pages, pixels)
    archive_limits: ArchiveLimits | None = None
    engine: str = "local"  # or "dask"
    scheduler: str | None = None  # the Dask scheduler's address, e.g. tcp://10.0.0.5:8786
    scheduler_timeout: float = 30.0  # seconds to reach the scheduler
    task_fn: str | None = None  # "module:function" to run instead of vnplan's extraction (tests, custom extractors)
    commit_seconds: float = 1.0  # at most this much finished work waits for its transaction
    commit_files: int = 500
    max_tasks_per_child: int = 1000
    retry_errors: bool = False  # forget earlier errors and try those files again
    prefetch: int = 0  # files read ahead of the workers; 0: twice the workers, plus four
    db_memory_mb: int = 32  # DuckDB's buffer pool in the writing process (it spills beyond; grown on demand)

    def worker_count(self) -> int:
        from .pool import default_workers

        return max(1, self.workers or default_workers())


@dataclass
class BatchResult:
    """What became of one file of a batch."""

    path: str  # the file; inside archives, the archive's path and the member's name joined by "!/"
    chain: tuple[str, ...]  # the same, as the list of paths: file, member, member of member ...
    doc_id: str  # sha256 of the bytes (of the path, for a file refused before it was read)
    status: str  # "ok", "error", "duplicate" (same bytes as a file before it), "done-before" (an earlier run)
    record: PlanRecord | None = None
    error_kind: str | None = None
    error_message: str | None = None
    seconds: float = 0.0
    size: int | None = None
    raw: dict[str, Any] | None = field(default=None, repr=False)  # the record as JSON-ready dict

    @property
    def ok(self) -> bool:
        return self.error_kind is None


class BatchStopped(Exception):
    """The batch cannot go on (its output cannot be written); what is committed is kept."""


@dataclass
class Summary:
    counts: Counter[str]
    seconds: float
    database: Path | None
    exported: list[Path]
    status: str  # finished, interrupted, stopped

    @property
    def exit_code(self) -> int:
        if self.status == "interrupted":
            return 130
        if self.status == "stopped":
            return 3
        return 1 if self.counts["error"] or self.counts["error-before"] else 0


# ---------------------------------------------------------------------------


_END = object()


class _Prefetch:
    """Walks the inputs in a thread, hashing each file, a bounded number of files (and bytes) ahead."""

    def __init__(self, inputs: list[str], limits: ArchiveLimits, depth: int, max_bytes: int = 256 * 2**20) -> None:
        self.q: queue.Queue[Any] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._room = threading.Condition()
        self._bytes = 0  # bytes of the files waiting in the queue
        self._max_bytes = max_bytes
        self._t = threading.Thread(target=self._run, args=(inputs, limits), name="vnplan-batch-walk", daemon=True)
        self._t.start()

    def _run(self, inputs: list[str], limits: ArchiveLimits) -> None:
        try:
            for item in iter_items(inputs, limits):
                doc_id = hashlib.sha256(item.data).hexdigest() if item.data is not None else path_id(item.path)
                if not self._put((item, doc_id), len(item.data or b"")):
                    return
            self._put(_END, 0)
        except BaseException as exc:  # handed to the loop, which stops with it
            self._put(exc, 0)

    def _put(self, x: Any, size: int) -> bool:
        with self._room:
            # one file always fits, however large: the limit is on what waits beside it
            while self._bytes and self._bytes + size > self._max_bytes and not self._stop.is_set():
                self._room.wait(0.1)
            self._bytes += size
        while not self._stop.is_set():
            try:
                self.q.put(x, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def get(self, timeout: float) -> Any:
        x = self.q.get(timeout=timeout) if timeout > 0 else self.q.get_nowait()
        if isinstance(x, tuple) and x[0].data is not None:
            with self._room:
                self._bytes -= len(x[0].data)
                self._room.notify()
        return x

    def close(self) -> None:
        self._stop.set()
        with self._room:
            self._room.notify_all()
        self._t.join(timeout=5)


def make_engine(opts: BatchOptions) -> Any:
    limits = opts.limits
    if opts.engine == "dask":
        if not opts.scheduler:
            raise ValueError("the dask engine needs a scheduler address (--scheduler tcp://HOST:8786)")
        from .dask_pool import DaskPool

        return DaskPool(opts.scheduler, limits=limits, timeout=opts.timeout, task_fn=opts.task_fn,
                        connect_timeout=opts.scheduler_timeout)
    if opts.engine != "local":
        raise ValueError(f"unknown engine {opts.engine!r}: local or dask")
    from .pool import LocalPool

    return LocalPool(opts.worker_count(), limits=limits, timeout=opts.timeout,
                     memory_bytes=opts.memory_mb * 2**20 if opts.memory_mb else None,
                     task_fn=opts.task_fn, max_tasks_per_child=opts.max_tasks_per_child)


def _drive(inputs: list[str], opts: BatchOptions, store: Store | None, run_id: int, counts: Counter[str],
           want_records: bool, progress: Progress | None = None, engine: Any = None) -> Iterator[BatchResult]:
    """The loop. Yields one BatchResult per file found, in the order files finish."""
    alimits = opts.archive_limits or ArchiveLimits(max_file_bytes=(opts.limits or Limits()).max_bytes)
    done: set[str] = store.done_ids() if store is not None else set()
    failed_before: set[str] = store.error_ids() if store is not None else set()
    finished_here: set[str] = set()  # extracted by this run: a later copy is a "duplicate", not "done-before"
    inflight: dict[str, list[Item]] = {}
    cache: OrderedDict[str, tuple[dict | None, str | None, str | None]] = OrderedDict()  # recent outcomes
    # Finished files waiting for their transaction, one complete bundle of rows each. A bundle is
    # built aside and appended in one step: Ctrl-C (a KeyboardInterrupt between any two bytecodes)
    # can never leave half a file here to be committed without its done marker, or the other way.
    pending: list[Rows] = []
    pending_files = 0
    last_commit = time.monotonic()
    engine = engine if engine is not None else make_engine(opts)
    depth = opts.prefetch or 2 * max(1, getattr(engine, "workers", 1)) + 4
    pre = _Prefetch(inputs, alimits, depth)

    def commit(force: bool = False) -> None:
        nonlocal pending, pending_files, last_commit
        if store is None or not pending:
            return
        if not force and pending_files < opts.commit_files and time.monotonic() - last_commit < opts.commit_seconds:
            return
        rows: Rows = {}
        for bundle in pending:
            merge_rows(rows, bundle)
        try:
            store.write(rows)
        except Exception as exc:  # a full disk, a lost volume: stop, keeping what is committed
            raise BatchStopped(f"cannot write to {store.path}: {exc}") from exc
        pending, pending_files, last_commit = [], 0, time.monotonic()

    def remember(doc_id: str, outcome: tuple[dict | None, str | None, str | None]) -> None:
        if want_records:
            cache[doc_id] = outcome
            cache.move_to_end(doc_id)
            while len(cache) > 256:
                cache.popitem(last=False)

    def recall(doc_id: str) -> tuple[dict | None, str | None, str | None] | None:
        if doc_id in cache:
            return cache[doc_id]
        if store is None:
            return None
        commit(force=True)  # what this run finished may still be in the buffer
        rec = store.read_record(doc_id)
        if rec is not None:
            return rec, None, None
        err = store.read_error(doc_id)
        return (None, err[0], err[1]) if err else (None, "error", "")

    def result(item: Item, doc_id: str, status: str, outcome: tuple[dict | None, str | None, str | None] | None,
               seconds: float = 0.0) -> BatchResult:
        rec, kind, msg = outcome if outcome else (None, None, None)
        counts[status] += 1
        r = BatchResult(item.path, item.chain, doc_id, status, error_kind=kind, error_message=msg,
                        seconds=seconds, size=item.size, raw=rec)
        if progress is not None and status == "error":
            progress.error(r)
        return r

    def source_row(doc_id: str, item: Item) -> tuple:
        return (doc_id, item.path, list(item.chain), item.size)

    def take(item: Item, doc_id: str) -> BatchResult | None:
        """A file from the walk: its result now, or None when it went to the engine (or waits for a twin)."""
        nonlocal pending_files
        counts["files"] += 1
        if doc_id in inflight:
            inflight[doc_id].append(Item(item.chain, size=item.size))
            return None
        known = doc_id in done or doc_id in finished_here
        if known:
            outcome = recall(doc_id) if want_records else None
            if not (want_records and outcome is None):  # in memory-only runs an old twin is re-extracted
                if store is not None:
                    pending.append({"sources": [source_row(doc_id, item)]})
                if doc_id in failed_before and doc_id not in finished_here:
                    counts["error-before"] += 1  # still a failed file of this batch: the exit code says so
                return result(item, doc_id, "duplicate" if doc_id in finished_here else "done-before", outcome)
        if item.error_kind is not None:
            if store is not None:
                pending.append({"errors": [(doc_id, "path", item.error_kind, item.error_message, item.path, item.size)],
                                "done": [(doc_id, "error", run_id, 0.0)],
                                "sources": [source_row(doc_id, item)]})
                pending_files += 1
                done.add(doc_id)
            finished_here.add(doc_id)
            outcome = (None, item.error_kind, item.error_message)
            remember(doc_id, outcome)
            return result(item, doc_id, "error", outcome)
        assert item.data is not None
        engine.submit(Task(doc_id, item.path, item.data))
        inflight[doc_id] = [Item(item.chain, size=item.size)]  # the bytes are the engine's now
        return None

    def finish(res: Any) -> list[BatchResult]:
        nonlocal pending_files
        items = inflight.pop(res.doc_id)
        fresh = res.doc_id not in finished_here
        rec = res.record if res.status == "ok" else None
        outcome = (rec, res.error_kind, res.error_message)
        if store is not None:
            first = items[0]
            bundle: Rows = {}
            if fresh:
                if res.status == "ok":
                    bundle = flatten(res.doc_id, rec)
                else:
                    bundle["errors"] = [(res.doc_id, "content", res.error_kind, res.error_message, first.path, first.size)]
                bundle["done"] = [(res.doc_id, res.status, run_id, round(res.seconds, 6))]
            bundle["sources"] = [source_row(res.doc_id, it) for it in items]
            pending.append(bundle)
            if fresh:
                pending_files += 1
                done.add(res.doc_id)
        finished_here.add(res.doc_id)
        remember(res.doc_id, outcome)
        out = []
        for k, it in enumerate(items):
            status = res.status if (k == 0 and fresh) else "duplicate"
            out.append(result(it, res.doc_id, status, outcome if want_records or status != "ok" else None,
                              seconds=res.seconds if k == 0 else 0.0))
        return out

    waiting: tuple[Item, str] | None = None
    exhausted = False
    try:
        while True:
            # Feed the engine while it has room; files that need no extraction are settled at once.
            starved = False
            while not exhausted:
                if waiting is None:
                    try:
                        got = pre.get(0.0 if engine.busy() else 0.05)
                    except queue.Empty:
                        starved = True
                        break
                    if got is _END:
                        exhausted = True
                        break
                    if isinstance(got, BaseException):
                        raise got
                    waiting = got
                item, doc_id = waiting
                needs_engine = (item.error_kind is None and doc_id not in inflight
                                and doc_id not in done and (doc_id not in finished_here or
                                                            (want_records and store is None and doc_id not in cache)))
                if needs_engine and engine.capacity() == 0:
                    break
                waiting = None
                r = take(item, doc_id)
                if r is not None:
                    yield r
            if exhausted and waiting is None and not inflight:
                break
            # Block for a result when nothing else can be done; never spin while the walk catches up.
            for res in engine.poll(0.2 if (exhausted or waiting is not None) else (0.02 if starved else 0.0)):
                yield from finish(res)
            commit()
            if progress is not None:
                progress.update(counts)
        commit(force=True)
        if progress is not None:
            progress.update(counts, force=True)
    except BaseException:
        # Ctrl-C, a closed generator, a failed write: keep every finished file that can still be kept.
        try:
            commit(force=True)
        except BatchStopped:
            pass
        raise
    finally:
        pre.close()
        engine.close()


# ---------------------------------------------------------------------------
# the two ways in


def extract_many(sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
                 out: str | os.PathLike[str] | None = None, format: str = "duckdb",
                 options: BatchOptions | None = None, **option_values: Any) -> Iterator[BatchResult]:
    """One :class:`BatchResult` per file under ``sources`` (folders, globs, files, archives), as files finish.

    Files run in parallel worker processes (``workers=``, default one per core), each
    under ``timeout=`` seconds and ``memory_mb=`` MiB. A result has the record
    (``result.record``, a PlanRecord) or the error (``error_kind``, ``error_message``);
    nothing is raised for a bad file. Files with the same bytes as an earlier one
    have status ``"duplicate"`` and the same record.

    With ``out=``, results are also written to that database (``format="duckdb"``) or
    folder (``"jsonl"``, ``"parquet"``) exactly as ``vnplan batch`` writes them, and
    files done by an earlier run with the same ``out`` are not extracted again
    (status ``"done-before"``, record read back from the database).
    """
    from ..models import PlanRecord

    opts = options or BatchOptions(**option_values)
    if options is not None and option_values:
        raise TypeError("give either options= or option keywords, not both")
    inputs = _inputs(sources)
    counts: Counter[str] = Counter()
    store = _open_store(out, format, opts.db_memory_mb) if out is not None else None
    run_id = 0
    status = "interrupted"
    try:
        if store is not None:
            if opts.retry_errors:
                store.retry_errors()
            run_id = store.start_run(engine=opts.engine, workers=opts.worker_count(), inputs=inputs)
        for r in _drive(inputs, opts, store, run_id, counts, want_records=True):
            if r.raw is not None:
                r.record = PlanRecord.model_validate(r.raw)
            yield r
        status = "finished"
    finally:
        _close_store(store, run_id, status, counts, out, format)


def run_batch(inputs: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *, format: str = "duckdb",
              options: BatchOptions | None = None, progress: Progress | None = None,
              count: bool = True) -> Summary:
    """Run a batch into ``out`` (what ``vnplan batch`` does), resuming what an earlier run left.

    Raises StoreError (the output cannot be used), BatchStopped (it could not be written
    any more; what was committed is kept), KeyboardInterrupt, or what starting the
    engine raised (ValueError, OSError: a Dask scheduler that does not answer).
    """
    opts = options or BatchOptions()
    ins = _inputs(inputs)
    store = _open_store(out, format, opts.db_memory_mb)
    try:
        if opts.retry_errors:
            n = store.retry_errors()
            if progress is not None and n:
                progress.note(f"trying again the {n:,} files that failed before")
        engine = make_engine(opts)  # before the run is recorded: a scheduler that cannot be reached is no run
    except BaseException:
        store.close()
        raise
    workers = getattr(engine, "workers", 1)
    counts: Counter[str] = Counter()
    status = "interrupted"
    t0 = time.monotonic()
    exported: list[Path] = []
    run_id = 0
    try:
        run_id = store.start_run(engine=opts.engine, workers=workers, inputs=ins)
        if progress is not None:
            progress.start(workers=workers, engine=opts.engine)
            if count:
                _count_in_background(ins, opts, progress)
        try:
            for _ in _drive(ins, opts, store, run_id, counts, want_records=False, progress=progress, engine=engine):
                pass
            status = "finished"
        except BatchStopped:
            status = "stopped"
            raise
    finally:
        engine.close()  # idempotent; _drive closes it too, unless it never started
        exported = _close_store(store, run_id, status, counts, out, format)
        if progress is not None and run_id:
            progress.finish(counts, time.monotonic() - t0, status)
    return Summary(counts, time.monotonic() - t0, store.path, exported, status)


def _inputs(sources: Any) -> list[str]:
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    return expand_inputs(sources)


def _open_store(out: str | os.PathLike[str], format: str, memory_mb: int = 32) -> Store:
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: one of {', '.join(FORMATS)}")
    out_path = Path(out)
    if format == "duckdb" and out_path.is_dir():
        raise StoreError(f"{out_path} is a folder; --format duckdb writes one database file (e.g. {out_path}/batch.duckdb)")
    if format != "duckdb" and out_path.exists() and not out_path.is_dir():
        raise StoreError(f"{out_path} is a file; --format {format} writes a folder of table files")
    return Store(database_path(out_path, format), memory_mb=memory_mb)


def _close_store(store: Store | None, run_id: int, status: str, counts: Counter[str],
                 out: str | os.PathLike[str] | None, format: str) -> list[Path]:
    if store is None:
        return []
    exported: list[Path] = []
    try:
        if run_id:
            try:
                store.finish_run(run_id, status, counts)
            except Exception:
                pass  # a full disk: the run row stays "running", which is what happened
        if format != "duckdb" and out is not None and status != "stopped":
            exported = store.export(out, format)
    finally:
        store.close()
    return exported


def _count_in_background(inputs: list[str], opts: BatchOptions, progress: Progress) -> None:
    """The total for the progress bar and ETA, counted while the batch already runs."""
    alimits = opts.archive_limits or ArchiveLimits(max_file_bytes=(opts.limits or Limits()).max_bytes)

    def run() -> None:
        try:
            progress.set_total(count_items(inputs, alimits))
        except Exception:
            pass  # no total: the bar shows a count and a rate, without ETA

    threading.Thread(target=run, name="vnplan-batch-count", daemon=True).start()
