"""Where numba keeps the compiled kernels: a folder named after the core's sources.

numba's on-disk cache (``cache=True``) checks only the file of the function it
compiled, so a kernel that calls or inlines kernels of other files (the fused
training kernel calls the layer, loss and optimizer kernels of five modules)
kept running stale code after one of those files changed. Here the cache folder
is named after a hash of every source file of the core: change any of them and
the program compiles afresh into a new folder (stale ones are removed, the
newest few kept). This runs in ``core/__init__.py``, before numba or any kernel
module is imported.

The folder: ``$NUMBA_CACHE_DIR/<hash>`` if the user set NUMBA_CACHE_DIR, else
``$XDG_CACHE_HOME/optimizer-playground/numba/<hash>`` (``~/.cache/...``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1]
KEEP = 3  # cache folders of other source versions kept (e.g. two checkouts in turn)
_APPLIED = "OPG_NUMBA_CACHE_APPLIED"


def source_hash(root: Path = CORE) -> str:
    """A short hash of every ``.py`` file under ``root`` (names and contents)."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


def cache_root() -> Path:
    user = os.environ.get("NUMBA_CACHE_DIR")
    root, _, folder = os.environ.get(_APPLIED, "").partition(os.pathsep)
    if user and user == folder:  # set by us, in this process or a parent: same root
        return Path(root)
    if user:  # the user's own choice (also one made after ours, e.g. a fresh folder)
        return Path(user)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "optimizer-playground" / "numba"


def apply() -> Path | None:
    """Point numba's cache at this version's folder; returns it (None if unusable)."""
    root = cache_root()
    folder = root / source_hash()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # read-only home: numba's own default applies
    _remove_stale(root, folder)
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    os.environ[_APPLIED] = f"{root}{os.pathsep}{folder}"  # children find the same root
    numba = sys.modules.get("numba")
    if numba is not None:  # imported before core: its config was read already
        numba.config.CACHE_DIR = str(folder)
    return folder


def _remove_stale(root: Path, current: Path) -> None:
    others = [p for p in root.iterdir() if p.is_dir() and p != current and len(p.name) == 16]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
