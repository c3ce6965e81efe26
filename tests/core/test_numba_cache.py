"""The numba cache folder follows the core's sources: a change in any kernel's file
compiles afresh (numba alone checks only the compiled function's own file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.common import numba_cache

ROOT = Path(__file__).resolve().parents[2]


def test_the_hash_changes_with_any_source_file(tmp_path):
    (tmp_path / "nn").mkdir()
    (tmp_path / "nn" / "layers.py").write_text("A = 1\n")
    (tmp_path / "fused.py").write_text("B = 2\n")
    before = numba_cache.source_hash(tmp_path)
    assert numba_cache.source_hash(tmp_path) == before
    (tmp_path / "nn" / "layers.py").write_text("A = 2\n")  # a called kernel's file only
    assert numba_cache.source_hash(tmp_path) != before


def test_numba_uses_the_versioned_folder():
    import numba

    folder = Path(os.environ["NUMBA_CACHE_DIR"])
    assert folder.name == numba_cache.source_hash() and numba.config.CACHE_DIR == str(folder)


def test_a_fresh_folder_chosen_by_the_user_is_honoured(tmp_path):
    code = ("import os, core, numba; print(numba.config.CACHE_DIR)")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "fresh")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                         capture_output=True, check=True).stdout.strip()
    assert Path(out).parent == tmp_path / "fresh"
    assert Path(out).name == numba_cache.source_hash()


def test_stale_folders_are_removed_keeping_a_few(tmp_path):
    for i in range(6):
        d = tmp_path / f"{i:016x}"
        d.mkdir()
        os.utime(d, (i, i))
    current = tmp_path / ("f" * 16)
    current.mkdir()
    numba_cache._remove_stale(tmp_path, current)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [f"{i:016x}" for i in (3, 4, 5)] + ["f" * 16]
