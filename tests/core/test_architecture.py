"""core/ stays free of Qt: the headless engine must run without a GUI stack."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "superqt", "qtpy", "shiboken6")


def test_no_module_in_core_imports_qt_statically():
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def core_modules() -> list[str]:
    """Every module of the core, sub-packages included (``core.nn.network``, ...)."""
    out = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


def test_the_walk_sees_the_sub_packages():
    mods = core_modules()
    for pkg in ("core.nn", "core.optim", "core.data", "core.train", "core.lab"):
        assert pkg in mods and any(m.startswith(pkg + ".") for m in mods)


def test_importing_every_core_module_loads_no_qt():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in core_modules())
        + f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == ""
