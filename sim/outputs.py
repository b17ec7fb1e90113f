"""Files written for people: the AAR/IP, handouts, batch results and figures.

One way to refuse a path that cannot be written — before any work, so that a batch of an
hour or the replay of a year's journal does not end in no file — and one way to say, in a
person's terms, why a write failed and what to do about it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sim.errors import TabletopError

WRITABLE_FOLDER = "choose a file in a folder that exists and that you may write to"


class OutputProblem(TabletopError):
    """A file tabletop was asked to write and cannot."""


def check_writable(path: str, example: str) -> None:
    """Refuse a file in a folder that does not exist or that this user may not write, or a
    path that is a folder itself (`example`: a file name to suggest in it)."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise OutputProblem(f"cannot write {path}: the folder {folder} does not exist — "
                            "create it first, or choose another file")
    if os.path.isdir(path):
        raise OutputProblem(f"cannot write {path}: it is a folder — name a file in it, e.g. "
                            f"{os.path.join(path, example)}")
    if not os.access(folder, os.W_OK):
        raise OutputProblem(f"cannot write {path}: you may not write in {folder} — choose "
                            "another folder")


@contextmanager
def writing(path: str, fix: str = WRITABLE_FOLDER) -> Iterator[None]:
    """Write within: an operating-system failure becomes an `OutputProblem` that names the
    file and the fix."""
    try:
        yield
    except OSError as error:
        raise OutputProblem(f"cannot write {error.filename or path}: "
                            f"{error.strerror or error} — {fix}") from None
