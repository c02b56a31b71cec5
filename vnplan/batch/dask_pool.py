"""The Dask engine: the same tasks as the local pool, run on a ``distributed`` cluster.

The parent keeps reading the inputs and writing the database; only the extraction
of each file's bytes is sent to the cluster (the workers need vnplan installed, not
the inputs). At most as many files are in flight as the cluster has threads, so a
file's clock starts about when a worker starts it. Dask cannot stop one running
task: a file over its time is given up (its error row says so) and the cluster's
own limits (the nanny's memory limit) stop runaway workers; a file whose worker
died gets a ``crash`` error.
"""
from __future__ import annotations

import time
import uuid
from typing import Any

from ..io import Limits
from .worker import Result, Task, resolve_task_fn

_SCATTER_OVER = 1024 * 1024  # bytes: larger files travel beside the task graph, not inside it


class DaskPool:
    name = "dask"

    def __init__(self, scheduler: str, *, limits: Limits | None = None, timeout: float | None = 600.0,
                 task_fn: str | None = None, connect_timeout: float = 30.0) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise RuntimeError("--engine dask needs the distributed package: pip install 'dask[distributed]'") from exc
        self.client = Client(scheduler, timeout=connect_timeout, set_as_default=False)
        self.limits = limits
        self.timeout = timeout
        self.fn = resolve_task_fn(task_fn)
        self._token = uuid.uuid4().hex[:8]
        self._inflight: dict[Any, tuple[Task, float]] = {}
        self._closed = False
        self.workers = self._threads()
        self._threads_at = time.monotonic()

    def _threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def capacity(self) -> int:
        # the cluster may grow or shrink while the batch runs: ask the scheduler now and then
        if time.monotonic() - self._threads_at > 5.0:
            self.workers = self._threads()
            self._threads_at = time.monotonic()
        return max(0, self.workers - len(self._inflight))

    def busy(self) -> int:
        return len(self._inflight)

    def submit(self, task: Task) -> None:
        data: Any = task.data
        if len(data) > _SCATTER_OVER:
            data = self.client.scatter(data, hash=False)
        fut = self.client.submit(self.fn, task.doc_id, task.name, data, self.limits,
                                 key=f"vnplan-extract-{task.doc_id[:20]}-{self._token}", retries=0)
        # the bytes are on their way; keep only what is needed to report on the file
        self._inflight[fut] = (Task(task.doc_id, task.name, b""), time.monotonic())

    def poll(self, timeout: float) -> list[Result]:
        from distributed import wait

        if not self._inflight:
            if timeout > 0:
                time.sleep(min(timeout, 0.05))
            return []
        try:
            wait(list(self._inflight), timeout=max(timeout, 0.001), return_when="FIRST_COMPLETED")
        except Exception:  # a timeout with nothing finished
            pass
        out: list[Result] = []
        now = time.monotonic()
        for fut in list(self._inflight):
            task, started = self._inflight[fut]
            if fut.status == "finished":
                out.append(fut.result())
            elif fut.status in ("error", "cancelled", "lost"):
                exc = fut.exception() if fut.status == "error" else None
                name = type(exc).__name__ if exc is not None else fut.status
                kind = "crash" if name in ("KilledWorker", "lost", "cancelled") else "internal"
                out.append(Result(task.doc_id, "error", error_kind=kind,
                                  error_message=f"the Dask task failed: {name}: {exc}", seconds=now - started))
            elif self.timeout and now - started > self.timeout:
                fut.cancel()
                out.append(Result(task.doc_id, "error", error_kind="timeout",
                                  error_message=f"reading the file took more than {self.timeout:g} s on the cluster; "
                                                "it was given up", seconds=now - started))
            else:
                continue
            del self._inflight[fut]
            fut.release()
        return out

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self._inflight:
                self.client.cancel(list(self._inflight))
            self._inflight.clear()
        finally:
            self.client.close()
