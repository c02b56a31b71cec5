"""The local engine: worker processes the runner can kill one by one.

``concurrent.futures`` cannot stop one running task, so each worker here is a
process with its own pipe and holds at most one file. The parent watches each
worker's clock and memory; one over its time or memory is killed (SIGKILL) and
replaced, and its file gets a ``timeout``/``memory`` error. A worker that dies by
itself (a crash in a native library) gives its file a ``crash`` error. Workers are
forked from a forkserver that has already loaded vnplan and its language data, so
a replacement is ready in milliseconds.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from ..io import Limits
from .worker import Result, Task, worker_main

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_MEMORY_CHECK_EVERY = 0.25  # seconds


def _context() -> Any:
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        # Only takes effect when this process starts its forkserver; later pools reuse it.
        ctx.set_forkserver_preload(["vnplan.batch._preload"])
        return ctx
    return mp.get_context("spawn")


def rss_bytes(pid: int) -> int | None:
    """Resident memory of a process, or None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil

        return int(psutil.Process(pid).memory_info().rss)
    except Exception:
        return None


@dataclass
class _Slot:
    proc: Any
    conn: Connection
    task: Task | None = None
    started: float = 0.0
    done: int = 0


class LocalPool:
    name = "local"

    def __init__(self, workers: int, *, limits: Limits | None = None, timeout: float | None = 600.0,
                 memory_bytes: int | None = None, task_fn: str | None = None,
                 max_tasks_per_child: int = 1000) -> None:
        self.workers = max(1, workers)
        self.limits = limits
        self.timeout = timeout
        self.memory_bytes = memory_bytes
        self.task_fn = task_fn
        self.max_tasks = max(1, max_tasks_per_child)
        self._ctx = _context()
        self._slots: list[_Slot] = [self._spawn() for _ in range(self.workers)]
        self._last_memory_check = 0.0
        self.replaced = 0

    def _spawn(self) -> _Slot:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=worker_main, name="vnplan-batch-worker", daemon=True,
                                 args=(child, os.getpid(), self.limits, self.task_fn, self.memory_bytes))
        proc.start()
        child.close()
        return _Slot(proc, parent)

    # -- the engine interface -------------------------------------------------

    def capacity(self) -> int:
        return sum(1 for s in self._slots if s.task is None)

    def busy(self) -> int:
        return sum(1 for s in self._slots if s.task is not None)

    def submit(self, task: Task) -> None:
        slot = next(s for s in self._slots if s.task is None)
        slot.task = task
        slot.started = time.monotonic()
        try:
            slot.conn.send(task)
        except (BrokenPipeError, OSError):
            pass  # the worker is dead: poll() sees it and reports the file as a crash

    def poll(self, timeout: float) -> list[Result]:
        """Finished files (and files whose worker was lost), waiting up to ``timeout`` seconds for one."""
        busy = [s for s in self._slots if s.task is not None]
        if not busy:
            if timeout > 0:
                time.sleep(min(timeout, 0.05))
            return []
        waitables: list[Any] = [s.conn for s in busy] + [s.proc.sentinel for s in busy]
        ready = set(wait(waitables, timeout=self._wait_for(busy, timeout)))
        out: list[Result] = []
        for i, s in enumerate(self._slots):
            if s.task is None:
                continue
            if s.conn in ready:
                try:
                    res: Result = s.conn.recv()
                except (EOFError, OSError):
                    res = None  # type: ignore[assignment]
                if res is not None:
                    s.task = None
                    s.done += 1
                    out.append(res)
                    if s.done >= self.max_tasks:  # bound slow leaks: a fresh process now and then
                        self._retire(i)
                    continue
            if not s.proc.is_alive():
                out.append(self._lost(i, self._death(s.proc.exitcode)))
        now = time.monotonic()
        for i, s in enumerate(self._slots):
            if s.task is not None and self.timeout and now - s.started > self.timeout:
                out.append(self._kill(i, "timeout", f"reading the file took more than {self.timeout:g} s; "
                                                    "the worker was stopped"))
        if self.memory_bytes and now - self._last_memory_check >= _MEMORY_CHECK_EVERY:
            self._last_memory_check = now
            for i, s in enumerate(self._slots):
                if s.task is None:
                    continue
                rss = rss_bytes(s.proc.pid)
                if rss is not None and rss > self.memory_bytes:
                    out.append(self._kill(i, "memory", f"reading the file used {rss / 2**20:,.0f} MiB, more than the "
                                                       f"limit of {self.memory_bytes / 2**20:,.0f} MiB; the worker was stopped"))
        return out

    def _wait_for(self, busy: list[_Slot], timeout: float) -> float:
        """Wake up in time for the nearest deadline and memory check."""
        t = timeout
        if self.memory_bytes:
            t = min(t, _MEMORY_CHECK_EVERY)
        if self.timeout:
            now = time.monotonic()
            t = min(t, max(0.0, min(s.started + self.timeout - now for s in busy)) + 0.01)
        return max(0.0, t)

    def close(self) -> None:
        for s in self._slots:
            try:
                if s.task is None:
                    s.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        deadline = time.monotonic() + 2.0
        for s in self._slots:
            if s.task is not None:
                s.proc.kill()  # a file in progress is redone by the next run
            s.proc.join(timeout=max(0.0, deadline - time.monotonic()))
            if s.proc.is_alive():
                s.proc.kill()
                s.proc.join(timeout=2.0)
            s.conn.close()
        self._slots = []

    # -- replacing workers ----------------------------------------------------

    def _kill(self, i: int, kind: str, message: str) -> Result:
        s = self._slots[i]
        s.proc.kill()
        s.proc.join(timeout=5.0)
        return self._lost(i, (kind, message))

    def _lost(self, i: int, why: tuple[str, str]) -> Result:
        s = self._slots[i]
        task = s.task
        assert task is not None
        seconds = time.monotonic() - s.started
        s.conn.close()
        self._slots[i] = self._spawn()
        self.replaced += 1
        return Result(task.doc_id, "error", error_kind=why[0], error_message=why[1], seconds=seconds)

    def _retire(self, i: int) -> None:
        s = self._slots[i]
        try:
            s.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        s.proc.join(timeout=2.0)
        if s.proc.is_alive():
            s.proc.kill()
            s.proc.join(timeout=2.0)
        s.conn.close()
        self._slots[i] = self._spawn()

    @staticmethod
    def _death(exitcode: int | None) -> tuple[str, str]:
        if exitcode is not None and exitcode < 0:
            try:
                name = signal.Signals(-exitcode).name
            except ValueError:
                name = f"signal {-exitcode}"
            hint = " (the system ran out of memory?)" if -exitcode == signal.SIGKILL else ""
            return "crash", f"the worker process died of {name}{hint} while reading the file"
        return "crash", f"the worker process exited (code {exitcode}) while reading the file"


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except AttributeError:
        return os.cpu_count() or 1


__all__ = ["LocalPool", "rss_bytes", "default_workers"]
