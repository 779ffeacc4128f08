"""A private per-user folder for data derived from the installed code, kept between processes.

Every `timeline ingest` is a new process, and cron runs one for a handful of new articles: what the
code derives at start-up (the gazetteer's 100,000 places, entities.py) is worth keeping on disk, as
Python keeps .pyc files. What is kept there is loaded with pickle, so the folder must be the user's
own and closed to everyone else, as Jinja requires of its template cache; a folder that is not is
never used, and the data is derived again. A cache that cannot be read or written costs time only.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def private_dir() -> Path | None:
    """`<temp>/timeline-cache-<uid>`, made 0700; None when it is not a folder of this user's closed to others."""
    if not hasattr(os, "getuid"):  # pragma: no cover - not POSIX: no owner to check
        return None
    path = Path(tempfile.gettempdir()) / f"timeline-cache-{os.getuid()}"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return path


def load_or_make(name: str, make: Callable[[], T]) -> T:
    """The pickled value `name` from the private folder, or `make()`, saved there for the next process.

    `name` is KIND-FINGERPRINT.EXT, the fingerprint changing whenever what `make` returns would
    (callers hash their code and data into it); saving one removes the other fingerprints of its
    kind, so that upgrades do not pile files up.
    """
    folder = private_dir()
    if folder is None:
        return make()
    path = folder / name
    try:
        with path.open("rb") as file:
            value: Any = pickle.load(file)
        return value  # type: ignore[no-any-return]
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError,
            ValueError):
        pass  # not made yet, truncated, or from another version: made again below
    value = make()
    temp: str | None = None
    try:
        # Written beside and renamed: a process reading meanwhile sees the old file or the new one.
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}.", delete=False) as file:
            temp = file.name
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except (OSError, pickle.PicklingError):
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        return value
    kind = name.split("-", 1)[0]
    for old in folder.glob(f"{kind}-*"):
        if old.name != name:
            with contextlib.suppress(OSError):
                old.unlink()
    return value
