"""What a running batch shows: a live bar on a terminal, log lines anywhere else.

Overnight runs usually write to a log file: there, a line every ``log_every``
seconds (files done, rate, errors, ETA) and one line per failed file, the same
``vnplan: PATH: KIND: message`` lines as ``vnplan extract``.
"""
from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .runner import BatchResult


def _fmt_seconds(s: float) -> str:
    s = int(s)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}"


class Progress:
    def __init__(self, *, stream: IO[str] | None = None, live: bool | None = None, log_every: float = 30.0,
                 show_errors: bool = True) -> None:
        from rich.console import Console

        self.stream = stream or sys.stderr
        self.console = Console(file=self.stream, highlight=False, soft_wrap=True)
        self.live = self.console.is_terminal if live is None else live
        self.log_every = log_every
        self.show_errors = show_errors
        self.total: int | None = None
        self._t0 = time.monotonic()
        self._last = 0.0
        self._lock = threading.Lock()
        self._bar: Any = None
        self._task: Any = None
        self._counts: Counter[str] = Counter()

    # -- life -----------------------------------------------------------------

    def start(self, *, workers: int, engine: str) -> None:
        self._t0 = time.monotonic()
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, SpinnerColumn, TextColumn, \
                TimeElapsedColumn

            self._bar = Bar(SpinnerColumn(), TextColumn("[bold]files"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]}"), TextColumn("[red]{task.fields[errors]}"),
                            TextColumn("{task.fields[eta]}"), TimeElapsedColumn(),
                            console=self.console, transient=False, refresh_per_second=4)
            self._bar.start()
            self._task = self._bar.add_task("files", total=None, rate="", errors="", eta="counting…")
        else:
            self._line(f"vnplan batch: started, {workers} {engine} worker{'s' if workers != 1 else ''}")

    def set_total(self, total: int) -> None:
        with self._lock:
            self.total = total

    def note(self, message: str) -> None:
        self._print(f"vnplan batch: {message}")

    def error(self, r: BatchResult) -> None:
        if self.show_errors:
            self._print(f"vnplan: {r.path}: {r.error_kind}: {r.error_message}")

    def update(self, counts: Counter[str], force: bool = False) -> None:
        now = time.monotonic()
        every = 0.25 if self.live else self.log_every
        if not force and now - self._last < every:
            return
        self._last = now
        self._counts = counts
        done, rate, eta = self._figures(counts, now)
        if self.live and self._bar is not None:
            self._bar.update(self._task, completed=done, total=self.total,
                             rate=f"{rate:,.1f} files/s", errors=f"{counts['error']:,} errors" if counts["error"] else "",
                             eta=f"ETA {_fmt_seconds(eta)}" if eta is not None else ("" if self.total else "counting…"))
        elif not self.live:
            total = f"/{self.total}" if self.total is not None else ""
            eta_s = f", ETA {_fmt_seconds(eta)}" if eta is not None else ""
            self._line(f"vnplan batch: {done}{total} files done ({counts['ok']} new, {counts['error']} errors, "
                       f"{counts['duplicate']} duplicates, {counts['done-before']} done before), "
                       f"{rate:.1f} files/s{eta_s}")

    def finish(self, counts: Counter[str], seconds: float, status: str) -> None:
        if self._bar is not None:
            self.update(counts, force=True)
            self._bar.stop()
            self._bar = None
        done = sum(counts[k] for k in ("ok", "error", "duplicate", "done-before"))
        word = {"finished": "finished", "interrupted": "interrupted (run the same command again to go on)",
                "stopped": "stopped (run the same command again to go on)"}.get(status, status)
        self._line(f"vnplan batch: {word}: {done} files in {_fmt_seconds(seconds)} — {counts['ok']} records, "
                   f"{counts['error']} errors, {counts['duplicate']} duplicates, {counts['done-before']} done before")

    # -- helpers --------------------------------------------------------------

    def _figures(self, counts: Counter[str], now: float) -> tuple[int, float, float | None]:
        done = sum(counts[k] for k in ("ok", "error", "duplicate", "done-before"))
        worked = counts["ok"] + counts["error"] + counts["duplicate"]  # files skipped as done before cost nothing
        elapsed = max(now - self._t0, 1e-6)
        rate = worked / elapsed
        eta = None
        if self.total is not None and rate > 0:
            eta = max(0, self.total - done) / rate
        return done, rate, eta

    def _print(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text, markup=False)
        else:
            self._line(text)

    def _line(self, text: str) -> None:
        with self._lock:
            self.stream.write(text + "\n")
            self.stream.flush()
