"""Reading an input file: its size checked before it is read, every failure an `InputError`."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from obcsim.errors import InputError


def read_input(path: str | Path, limit: int) -> bytes:
    """The file's bytes, at most `limit` of them; a missing, unreadable, too-large file, a
    directory or a path too long for the system is one `InputError` naming it."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise InputError(name, "", "is a directory, not a file")
            if info.st_size > limit:
                raise InputError(name, "", f"the file is larger than {limit:,} bytes")
            data = f.read(limit + 1)  # a pipe or special file states no size
    except FileNotFoundError:
        raise InputError(name, "", "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "", "is a directory, not a file") from None
    except PermissionError:
        raise InputError(name, "", "cannot read it (permission denied)") from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise InputError(name[:80] + "...", "", "the path is too long") from None
        raise InputError(name, "", f"cannot read it: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(name, "", f"the file is larger than {limit:,} bytes")
    return data
