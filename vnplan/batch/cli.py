"""``vnplan batch``: the command archivists leave running overnight.

Exit codes: 0 every file read, 1 some files failed (their error rows are in the
output), 2 usage error, 3 stopped because the output could not be written (free
space, then run the same command again), 130 interrupted (run it again to go on).
"""
from __future__ import annotations

import signal
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer


class BatchFormat(str, Enum):
    duckdb = "duckdb"
    jsonl = "jsonl"
    parquet = "parquet"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch(
        inputs: list[str] = typer.Argument(..., help="folders, files, globs ('box*/**/*.pdf') and archives "
                                                     "(.zip, .tar, .tar.gz, .7z; archives inside archives too)"),
        out: Path = typer.Option(..., "--out", "-o", help="the DuckDB file to write (default format), or a folder "
                                                          "for --format jsonl|parquet"),
        format: BatchFormat = typer.Option(BatchFormat.duckdb, "--format", "-f", help="duckdb, jsonl or parquet"),
        workers: int = typer.Option(0, "--workers", "-j", min=0, help="worker processes; 0: one per core"),
        timeout: float = typer.Option(600.0, "--timeout", min=0.0, help="seconds one file may take; 0: no limit"),
        memory_mb: int = typer.Option(2048, "--memory-mb", min=0, help="memory one worker may use, MiB; 0: no limit"),
        engine: Engine = typer.Option(Engine.local, "--engine", help="local processes, or a Dask cluster"),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help="the Dask scheduler's address, "
                                                                         "e.g. tcp://10.0.0.5:8786"),
        scheduler_timeout: float = typer.Option(30.0, "--scheduler-timeout", min=0.1,
                                                help="seconds to wait for the Dask scheduler to answer"),
        max_file_mb: float = typer.Option(200.0, "--max-file-mb", min=0.001, help="largest file or member to read"),
        max_archive_gb: float = typer.Option(16.0, "--max-archive-gb", min=0.001,
                                             help="largest uncompressed total of one archive"),
        max_members: int = typer.Option(200_000, "--max-members", min=1, help="most files in one archive"),
        max_ratio: float = typer.Option(200.0, "--max-ratio", min=1.0, help="highest compression ratio of a member"),
        max_depth: int = typer.Option(6, "--max-depth", min=1, help="archives nested deeper are refused"),
        retry_errors: bool = typer.Option(False, "--retry-errors", help="try again the files that failed in "
                                                                        "earlier runs"),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="show progress (a bar on a "
                                                                             "terminal, log lines otherwise)"),
        log_every: float = typer.Option(30.0, "--log-every", min=0.0, help="seconds between progress lines when "
                                                                           "not on a terminal"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no line per failed file"),
        db_memory_mb: int = typer.Option(32, "--db-memory-mb", min=16, help="memory DuckDB may use for writing, "
                                                                              "MiB (more for very large batches)"),
        commit_seconds: float = typer.Option(1.0, "--commit-seconds", min=0.0, hidden=True),
        task_fn: Optional[str] = typer.Option(None, "--task-fn", hidden=True),
    ) -> None:
        """Extract every plan under INPUT... into one database, in parallel, resumably.

        Run the same command again after a stop (Ctrl-C, kill, power cut, full disk): finished
        files are not read again and nothing is written twice. Bad files become rows of the
        errors table. Tables: docs/batch-schema.md.
        """
        from ..io import Limits
        from .runner import BatchOptions, BatchStopped, run_batch
        from .sources import ArchiveLimits, missing_inputs
        from .store import StoreError

        missing = missing_inputs(inputs)
        if missing:
            raise typer.BadParameter("no such file or folder (and no file matches): " + ", ".join(missing),
                                     param_hint="INPUTS")
        if scheduler and engine is Engine.local:
            engine = Engine.dask
        if engine is Engine.dask and not scheduler:
            raise typer.BadParameter("--engine dask needs --scheduler ADDRESS", param_hint="--scheduler")
        mib = 1024 * 1024
        max_file = int(max_file_mb * mib)
        options = BatchOptions(
            workers=workers or None, timeout=timeout or None, memory_mb=memory_mb or None,
            limits=Limits(max_bytes=max_file),
            archive_limits=ArchiveLimits(max_file_bytes=max_file, max_archive_bytes=int(max_archive_gb * 1024 * mib),
                                         max_members=max_members, max_ratio=max_ratio, max_depth=max_depth),
            engine=engine.value, scheduler=scheduler, scheduler_timeout=scheduler_timeout, task_fn=task_fn, commit_seconds=commit_seconds,
            retry_errors=retry_errors, db_memory_mb=db_memory_mb,
        )
        from .progress import Progress

        shown = Progress(log_every=log_every, show_errors=not quiet) if progress else None
        if not progress and not quiet:
            shown = Progress(log_every=float("inf"), show_errors=True, live=False)
        # `kill` (SIGTERM) stops like Ctrl-C: finished files are committed first.
        old = signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            summary = run_batch(inputs, out, format=format.value, options=options, progress=shown)
        except StoreError as exc:
            print(f"vnplan batch: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None
        except ImportError as exc:
            print(f"vnplan batch: {exc.name or exc} is not installed; vnplan batch needs duckdb and pyarrow "
                  "(and dask[distributed] for --engine dask)", file=sys.stderr)
            raise typer.Exit(2) from None
        except BatchStopped as exc:
            print(f"vnplan batch: {exc}\nvnplan batch: the files finished so far are kept; make room and run the "
                  "same command again to go on", file=sys.stderr)
            raise typer.Exit(3) from None
        except KeyboardInterrupt:
            print("vnplan batch: interrupted; run the same command again to go on", file=sys.stderr)
            raise typer.Exit(130) from None
        except (ValueError, OSError) as exc:
            print(f"vnplan batch: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None
        finally:
            signal.signal(signal.SIGTERM, old)
        raise typer.Exit(summary.exit_code)
