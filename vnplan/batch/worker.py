"""What a worker does with one file, and the worker process around it.

``extract_bytes`` is the task: bytes in, a record (as JSON-ready dict) or an error
out; never an exception. It runs in the local pool's processes and on Dask workers
alike, so it takes and returns only plain, picklable values.
"""
from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..io import Limits


@dataclass(slots=True)
class Task:
    doc_id: str
    name: str  # the member or file name: its suffix picks the loader when the bytes do not say
    data: bytes


@dataclass(slots=True)
class Result:
    doc_id: str
    status: str  # "ok" or "error"
    record: dict[str, Any] | None = None
    error_kind: str | None = None
    error_message: str | None = None
    seconds: float = 0.0


def extract_bytes(doc_id: str, name: str, data: bytes, limits: Limits | None = None) -> Result:
    """The record of one file's bytes, or the error that stopped it."""
    from ..api import extract_document
    from ..errors import VnplanError
    from ..io import load_bytes

    t0 = time.perf_counter()
    try:
        doc = load_bytes(data, name, limits)
        rec = extract_document(doc)
        return Result(doc_id, "ok", record=rec.model_dump(mode="json"), seconds=time.perf_counter() - t0)
    except VnplanError as exc:
        kind, message = exc.kind, exc.message
    except MemoryError:
        kind, message = "memory", "the file needs more memory than the worker may use"
    except RecursionError as exc:
        kind, message = "internal", f"the document is too deeply nested to read ({exc})"
    except Exception as exc:  # a bug on this input: a row for this file, never a lost batch
        kind, message = "internal", f"{type(exc).__name__}: {exc} (please report it with the file)"
    return Result(doc_id, "error", error_kind=kind, error_message=message, seconds=time.perf_counter() - t0)


TaskFn = Callable[[str, str, bytes, "Limits | None"], Result]


def resolve_task_fn(spec: str | None) -> TaskFn:
    """``module:function`` -> the function (a hook for tests and custom extractors); None -> extract_bytes."""
    if not spec:
        return extract_bytes
    module, _, fn = spec.partition(":")
    return getattr(importlib.import_module(module), fn)


def warm_up() -> None:
    """Load vnplan's language data once, so that the first real file is not the slow one."""
    from ..api import extract_text

    try:
        extract_text("ỦY BAN NHÂN DÂN\nSố: 1/KH-UBND\nHà Nội, ngày 1 tháng 1 năm 2024\nKẾ HOẠCH\nThử\n")
    except Exception:
        pass


def worker_main(conn: Any, parent_pid: int, limits: Limits | None, task_fn: str | None,
                memory_bytes: int | None) -> None:
    """A worker process: take a task, send its result, until told to stop or the parent is gone."""
    # Ctrl-C goes to the whole process group: the parent decides what stops, not the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes and sys.platform.startswith("linux"):
        _limit_memory(memory_bytes)
    _watch_parent(parent_pid)
    fn = resolve_task_fn(task_fn)
    warm_up()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        result = fn(task.doc_id, task.name, task.data, limits)
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return


def _limit_memory(memory_bytes: int) -> None:
    """A backstop behind the parent's watch: allocations past twice the limit fail with MemoryError."""
    import resource

    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = memory_bytes * 2 + 2 * 1024**3  # address space is larger than memory used: leave room
        if hard == resource.RLIM_INFINITY or want < hard:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ValueError, OSError):
        pass


def _watch_parent(parent_pid: int) -> None:
    """Exit when the batch's process is gone (kill -9), even in the middle of a file."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="vnplan-parent-watch", daemon=True).start()
