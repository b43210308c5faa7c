"""Outputs as a set: a command's files appear together, or not at all.

`Outputs` checks every target before any work (its folder exists and is writable, the name is
not too long, a file target is not a folder, no two targets are the same), then hands out
staging paths in a hidden folder beside each target. Only when the command's work is done are
they moved into place, with interrupts held off while they move; on any failure or interrupt
the staging folders are removed and the previous outputs stay as they were. Files get the
permissions the umask allows, as files a shell creates do.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from obcsim.errors import InputError

NAME_MAX = 255  # bytes in one path component (Linux, macOS)
PATH_MAX = 4096
# Files a directory output may already hold: obcsim replaces the folder as a whole.
OWN_FILES = {"summary.json", "draws.csv", "draws.parquet"}


def umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_name(flag: str, path: Path) -> None:
    text = os.fsencode(path)
    if len(text) > PATH_MAX or any(len(os.fsencode(p)) > NAME_MAX for p in path.parts):
        raise InputError(
            flag, "", f"the path is too long (at most {NAME_MAX} bytes a name, {PATH_MAX} in all)"
        )


def check_target(flag: str, path: Path, folder: bool = False) -> None:
    """Refuse an output path before any work: why it could not be written."""
    _check_name(flag, path)
    parent = path.parent
    try:
        if not parent.is_dir():
            raise InputError(flag, "", f"no such directory: {parent}")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise InputError(flag, "", f"cannot write in {parent} (permission denied)")
        if folder:
            if path.exists() and not path.is_dir():
                raise InputError(flag, "", f"{path} exists and is not a directory")
            if path.is_dir():
                other = sorted(p.name for p in path.iterdir() if p.name not in OWN_FILES)
                if other:
                    raise InputError(
                        flag,
                        "",
                        f"{path} holds other files ({other[0]}, ...); obcsim replaces the "
                        "directory as a whole: choose a new or empty one",
                    )
        elif path.is_dir():
            raise InputError(flag, "", f"{path} is a directory; give a file name")
    except OSError as exc:
        raise InputError(flag, "", f"cannot use {path}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _held_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while outputs move into place; they arrive afterwards."""
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Outputs:
    """A command's output targets (flag -> path); `folders` are written as directories.

    ```
    outs = Outputs({"--out": out, "--report": report})   # checked here, before any work
    ...                                                   # the work
    with outs:
        write(outs.stage("--out")); write(outs.stage("--report"))
    ```
    """

    def __init__(self, targets: dict[str, Path], folders: tuple[str, ...] = ()) -> None:
        self.targets = dict(targets)
        self.folders = folders
        seen: dict[str, str] = {}
        for flag, path in self.targets.items():
            check_target(flag.split(" ")[0], path, flag in folders)
            key = os.path.normcase(os.path.abspath(path))
            if key in seen:
                raise InputError(
                    flag.split(" ")[0],
                    "",
                    f"{path} is also the {seen[key]} output: give each its own path",
                )
            seen[key] = flag
        self._staging: dict[Path, Path] = {}
        self._staged: dict[str, Path] = {}
        self.committed = False

    def __enter__(self) -> Outputs:
        for flag, path in self.targets.items():
            parent = path.parent
            if parent not in self._staging:
                self._staging[parent] = Path(tempfile.mkdtemp(prefix=".obcsim-", dir=parent))
            staged = self._staging[parent] / f"{len(self._staged)}-{path.name}"
            if flag in self.folders:
                staged.mkdir()
            self._staged[flag] = staged
        return self

    def stage(self, flag: str) -> Path:
        """Where to write the output for `flag` (inside the staging folder)."""
        return self._staged[flag]

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                with _held_signals():
                    self._commit()
        except KeyboardInterrupt:
            if not self.committed:
                raise
            # Ctrl+C arrived while the outputs moved: all of them are in place, so go on.
        finally:
            for folder in self._staging.values():
                shutil.rmtree(folder, ignore_errors=True)

    def _commit(self) -> None:
        mask = umask()
        for flag, path in self.targets.items():
            staged = self._staged[flag]
            if flag in self.folders:
                staged.chmod(0o777 & ~mask)
                if path.is_dir():
                    os.replace(path, staged.with_name(staged.name + ".old"))
                os.replace(staged, path)
            else:
                staged.chmod(0o666 & ~mask)
                os.replace(staged, path)
        self.committed = True
