"""Writing files so that a crash never leaves half of one.

Every file the project writes (model files, drawings, pages, plots) goes to
a temporary file in the same folder, is flushed and fsynced, and then
replaces the target in one `os.replace`: a process killed at any instant
leaves the old file or the new one, complete.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> write_text_atomic(path, "hello")
    >>> path.read_text()
    'hello'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["write_atomic", "write_bytes_atomic", "write_text_atomic"]


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# a new file gets the mode open() would give it (mkstemp's is 0600)
_NEW_FILE_MODE = 0o666 & ~_read_umask()


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(f)`` on a temporary file beside ``path``, then move it into place."""
    target = Path(path)
    if target.is_symlink():  # write where the link points, as open() would, and keep the link
        target = Path(os.path.realpath(target))
    folder = target.parent
    try:
        mode = os.stat(target).st_mode & 0o7777  # replacing a file keeps its mode
    except OSError:
        mode = _NEW_FILE_MODE
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise _naming(e, path) from None
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError) and tmp in (e.filename, e.filename2):
            raise _naming(e, path) from None
        raise
    try:  # make the rename itself durable; not every file system allows it
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _naming(error: OSError, path: str | os.PathLike[str]) -> OSError:
    """The same error about ``path`` itself: the temporary file's name would only confuse."""
    return type(error)(error.errno, error.strerror, os.fspath(path))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """`write_atomic` for bytes already in memory."""
    write_atomic(path, lambda f: f.write(data))


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """`write_atomic` for a str."""
    write_bytes_atomic(path, text.encode(encoding))
