"""Read an input file named by an operator without trusting it to be small, regular or there.

`Path.read_bytes()` reads a whole file before any size check: `/dev/zero` never ends and a
directory raises IsADirectoryError with a traceback. Here at most `max_bytes` + 1 bytes are
read, and every failure is an InputFileError whose message names the file and the problem.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class InputFileError(ValueError):
    """The file cannot be used; the message is one line for people."""


def read_bounded(path: Path, *, max_bytes: int, what: str = "file") -> bytes:
    """Return the content of a regular file of at most max_bytes bytes."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputFileError(f"{what} {path} does not exist") from None
    except OSError as exc:
        raise InputFileError(f"cannot open {what} {path}: {exc.strerror}") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise InputFileError(f"{what} {path} is {kind}")
    with os.fdopen(descriptor, "rb") as handle:
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputFileError(f"cannot read {what} {path}: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise InputFileError(f"{what} {path} is larger than {max_bytes} bytes")
    return data
