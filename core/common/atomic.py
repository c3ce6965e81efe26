"""Atomic file writes: a crash or a full disk never leaves a broken file where a good
one was.

The payload goes to a temporary file beside the target, is flushed to disk,
given the target's permissions and renamed over it; then the folder itself is
synced so the rename survives a power cut. A symlink is written through (its
target is replaced, the link stays). Temporary files that a killed save left
behind for the same target are removed at the next save.
"""

from __future__ import annotations

import glob
import os
import stat
import tempfile
import threading
from pathlib import Path

_UMASK_LOCK = threading.Lock()


class WriteError(OSError):
    """A write that failed; the message names the file and the reason."""


def atomic_write(path: str | Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` atomically (see the module docstring)."""
    target = _target(Path(path))
    folder = target.parent
    mode = _mode_for(target)
    _remove_stale(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise WriteError(f"cannot write to {folder}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _sync_folder(folder)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise WriteError(f"cannot save {target.name}: {err.strerror or err}") from None
        raise


def _target(path: Path) -> Path:
    """The file to replace: a symlink's target (so the link survives), never a folder,
    a device or a pipe."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if not str(path.parent):
        path = Path(".") / path
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return path
    except OSError as err:
        raise WriteError(f"cannot save {path.name}: {err.strerror or err}") from None
    if not stat.S_ISREG(st.st_mode):
        raise WriteError(f"cannot save {path.name}: it exists and is not a regular file")
    return path


def _mode_for(target: Path) -> int:
    """An overwritten file keeps its permissions; a new one follows the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        with _UMASK_LOCK:  # os.umask can only be read by setting it
            umask = os.umask(0o022)
            os.umask(umask)
        return 0o666 & ~umask


def _remove_stale(folder: Path, name: str) -> None:
    for stale in glob.glob(os.path.join(glob.escape(str(folder)), f".{glob.escape(name)}.*.tmp")):
        try:
            if os.path.isfile(stale) and not os.path.islink(stale):
                os.unlink(stale)
        except OSError:
            pass  # someone else's file or already gone: the save goes on


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # e.g. a platform without directory handles
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is done
    finally:
        os.close(fd)
