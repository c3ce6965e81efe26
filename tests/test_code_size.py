"""Small modules and short functions (DESIGN.md "Style"): no module of core/ or
playground/ over ~400 lines, no function over ~60 (its docstring not counted).

An exception needs a reason written next to it: a module whose first 30 lines say
``size: <why>``, or a function (a numba kernel, typically) whose body's first lines
hold a comment ``size: <why>`` (e.g. what splitting it would cost in speed).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
SOURCES = sorted(p for d in ("core", "playground") for p in (ROOT / d).rglob("*.py"))


def _excused(lines: list[str], start: int, span: int) -> bool:
    return any("size:" in line for line in lines[start:start + span])


def _docstring_lines(node: ast.FunctionDef) -> int:
    """A docstring documents the function (numpydoc sections of kernel arguments can be
    long): it does not count as the function's length."""
    first = node.body[0]
    if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        return first.end_lineno - first.lineno + 1
    return 0


def long_functions(path: Path) -> list[str]:
    text = path.read_text()
    lines = text.splitlines()
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1 - _docstring_lines(node)
            first = min([d.lineno for d in node.decorator_list] + [node.lineno]) - 1
            if n > MAX_FUNCTION_LINES and not _excused(lines, first, node.body[0].lineno
                                                        - first + 3):
                out.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({n} lines)")
    return out


def test_the_walk_finds_the_sources():
    assert len(SOURCES) > 50


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_are_small(path):
    lines = path.read_text().splitlines()
    assert len(lines) <= MAX_MODULE_LINES or _excused(lines, 0, 30), (
        f"{path.relative_to(ROOT)} has {len(lines)} lines; split it, or say why not "
        "('size: ...' in its docstring)")


def test_functions_are_short():
    offenders = [f for p in SOURCES for f in long_functions(p)]
    assert offenders == [], "\n".join(offenders)
