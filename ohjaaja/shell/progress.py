"""A progress bar for the long commands (the imports), on standard error and only
when that is a terminal: a pipe or a log file gets the summary lines alone."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[int, int], None]  # done so far, the total (bytes of the files)


@contextmanager
def progress_bar(what: str, unit: str = "bytes") -> Iterator[Progress | None]:
    """A callback moving a bar titled WHAT, or None when standard error is no terminal;
    UNIT "bytes" (a file read) or a word counted as "12/500 services"."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import (
        Progress as Bar,
    )

    count = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        count,
        TextColumn(unit * (unit != "bytes")),
    )
    with Bar(*columns, TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance
