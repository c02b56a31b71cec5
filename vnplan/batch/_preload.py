"""Imported by the local pool's forkserver: every worker forked from it starts with
vnplan's modules and language data already loaded (copy-on-write, shared)."""
from .worker import warm_up

warm_up()
