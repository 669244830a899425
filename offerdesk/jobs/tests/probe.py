"""A task for the worker tests: it leaves a file per start and per finish, so a test counts the runs from outside
the database; `hang_first` makes its first attempts hang until their worker is killed."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.tasks import task


@task()
def probe(*, n: int, folder: str, seconds: float = 0.0, hang_first: int = 0) -> int:
    """Record a start, work `seconds` (or hang while fewer than `hang_first` earlier starts exist), record a finish."""
    path = Path(folder)
    earlier = len(list(path.glob(f"{n}.start.*")))
    (path / f"{n}.start.{os.getpid()}.{uuid.uuid4().hex}").touch()
    if earlier < hang_first:
        time.sleep(3600)  # until the test kills this worker
    time.sleep(seconds)
    (path / f"{n}.done.{os.getpid()}.{uuid.uuid4().hex}").touch()
    return os.getpid()


def runs(folder: Path, n: int, what: str) -> list[int]:
    """The process ids that started (what="start") or finished (what="done") task `n`."""
    return sorted(int(p.name.split(".")[2]) for p in folder.glob(f"{n}.{what}.*"))
