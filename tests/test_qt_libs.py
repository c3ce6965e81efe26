"""The check that Qt can start (playground/app/qt_libs.py): missing system libraries
of the platform plugin, from ``ldd``'s output, turned into one apt-get command; a
missing display said in words; and no Qt imported by the check itself."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from playground.app import qt_libs

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "playground" / "app" / "qt_libs.py"

# ldd on libqxcb.so of PySide6 6.11 on a Debian 12 without libxcb-icccm4 and
# libxcb-keysyms1 (abridged; the "not found" lines repeat, as ldd prints them).
LDD_XCB = """\
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlinux-vdso.so.1 (0x00007fd347566000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/./../../lib/libQt6XcbQpa.so.6 (0x1)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007fd3473ae000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007fd3473a6000)
\tlibxcb-keysyms.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fd34561e000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007fd347568000)
"""
LDD_OK = "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fd34561e000)\n"


def fake_tree(tmp_path: Path) -> Path:
    """A PySide6 folder with the files the check runs ldd on."""
    root = tmp_path / "PySide6"
    plugins = root / "Qt" / "plugins" / "platforms"
    plugins.mkdir(parents=True)
    for name in ("libqxcb.so", "libqoffscreen.so"):
        (plugins / name).write_bytes(b"")
    for name in qt_libs.MODULES:
        (root / f"{name}.abi3.so").write_bytes(b"")
    return root


def test_not_found_lists_each_missing_soname_once_in_order():
    assert qt_libs.not_found(LDD_XCB) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert qt_libs.not_found(LDD_OK) == []


def test_missing_libraries_become_the_exact_apt_command(tmp_path):
    root = fake_tree(tmp_path)
    seen = []

    def ldd(path):
        seen.append(path.name)
        return LDD_XCB if path.name == "libqxcb.so" else LDD_OK

    got = qt_libs.missing("xcb", root=root, ldd=ldd)
    assert got is not None
    assert got.libraries == ("libxcb-icccm.so.4", "libxcb-keysyms.so.1")
    assert got.packages == ("libxcb-icccm4", "libxcb-keysyms1")
    assert got.unknown == ()
    assert got.command(root=False) == "sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1"
    assert got.command(root=True) == "apt-get install -y libxcb-icccm4 libxcb-keysyms1"
    text = got.message(root=False)
    assert "sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1" in text
    assert "'xcb'" in text and "libxcb-icccm.so.4, libxcb-keysyms.so.1" in text
    # The plugin of the chosen platform and every module the app imports were asked.
    assert "libqxcb.so" in seen and "libqoffscreen.so" not in seen
    assert {f"{m}.abi3.so" for m in qt_libs.MODULES} <= set(seen)
    # The app itself (PySide6 loaded already) asks about the plugin only.
    seen.clear()
    assert qt_libs.missing("xcb", root=root, ldd=ldd, modules=False) == got
    assert seen == ["libqxcb.so"]


def test_a_library_without_a_known_package_is_named_with_how_to_find_it(tmp_path):
    root = fake_tree(tmp_path)
    out = "\tlibfancy.so.3 => not found\n\tlibEGL.so.1 => not found\n"
    got = qt_libs.missing("offscreen", root=root, ldd=lambda p: out)
    assert got.packages == ("libegl1",)
    assert got.unknown == ("libfancy.so.3",)
    assert "apt-file search libfancy.so.3" in got.message(root=True)


def test_nothing_missing_or_nothing_to_check_is_none(tmp_path):
    root = fake_tree(tmp_path)
    assert qt_libs.missing("xcb", root=root, ldd=lambda p: LDD_OK) is None
    # An unknown platform: only the modules are checked, and they are fine.
    assert qt_libs.missing("nosuch", root=root, ldd=lambda p: LDD_OK) is None
    assert qt_libs.missing("xcb", root=tmp_path / "absent", ldd=lambda p: LDD_XCB) is None


def test_the_real_pyside6_has_the_files_the_check_reads():
    root = qt_libs.pyside_dir()
    assert root is not None
    names = {p.name for p in qt_libs.files_to_check("xcb", root)}
    assert "libqxcb.so" in names  # a new wheel layout must not silently disable the check
    assert any(n.startswith("QtWidgets.") for n in names)


@pytest.mark.parametrize(("value", "plat"), [
    ("", "xcb"), ("offscreen", "offscreen"), ("wayland;xcb", "wayland"),
    ("offscreen:fontengine=freetype", "offscreen"), (" minimal ", "minimal")])
def test_platform_is_the_first_entry_of_qt_qpa_platform(value, plat):
    assert qt_libs.platform({"QT_QPA_PLATFORM": value}) == plat


def test_no_display_is_said_in_words_only_where_a_window_system_is_needed():
    say = qt_libs.display_problem
    assert say({}, "linux") == qt_libs.NO_DISPLAY
    assert say({"QT_QPA_PLATFORM": "xcb"}, "linux") == qt_libs.NO_DISPLAY
    assert say({"DISPLAY": ":0"}, "linux") is None
    assert say({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert say({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert say({"QT_QPA_PLATFORM": "minimal"}, "linux") is None
    assert say({}, "darwin") is None and say({}, "win32") is None
    assert qt_libs.NO_DISPLAY == ("no display; set DISPLAY or use QT_QPA_PLATFORM=offscreen "
                                  "for tests")


def test_problem_reports_missing_libraries_before_the_display(tmp_path):
    root = fake_tree(tmp_path)
    env = {"DISPLAY": ":0"}
    assert qt_libs.problem(env, ldd=lambda p: LDD_OK, root=root) is None
    assert "libxcb-icccm4" in qt_libs.problem({}, ldd=lambda p: LDD_XCB, root=root)
    if sys.platform.startswith("linux"):
        assert qt_libs.problem({}, ldd=lambda p: LDD_OK, root=root) == qt_libs.NO_DISPLAY


def test_the_readme_lists_the_packages_in_one_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^sudo apt-get install -y (.+)$", readme, re.MULTILINE)
    assert len(commands) == 1
    listed = commands[0].split()
    assert listed == list(qt_libs.SETUP_PACKAGES)
    assert set(listed) <= set(qt_libs.PACKAGES.values())
    # The two the issue found missing, and the one Qt's own message names.
    assert {"libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0"} <= set(listed)


def _run(args, env, tmp_path):
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def _env(tmp_path, ldd_output: str, **extra) -> dict:
    """The environment of a subprocess whose ``ldd`` prints ``ldd_output``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (tmp_path / "ldd.txt").write_text(ldd_output)
    fake = bin_dir / "ldd"
    fake.write_text(f"#!/bin/sh\ncat '{tmp_path / 'ldd.txt'}'\n")
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


needs_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd is Linux's")


@needs_linux
def test_the_script_imports_no_qt(tmp_path):
    code = ("import runpy, sys\n"
            f"try:\n    runpy.run_path({str(SCRIPT)!r}, run_name='__main__')\n"
            "except SystemExit as e:\n    print('exit', e.code)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'PySide6', 'shiboken6', 'pyqtgraph', 'playground'}))\n")
    r = _run(["-c", code], _env(tmp_path, LDD_XCB, DISPLAY=":0"), tmp_path)
    assert r.stdout.splitlines() == ["exit 1", "[]"], r.stdout + r.stderr
    assert "sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1" in r.stderr or (
        os.geteuid() == 0 and "apt-get install -y libxcb-icccm4 libxcb-keysyms1" in r.stderr)


@needs_linux
def test_the_script_passes_when_nothing_is_missing(tmp_path):
    r = _run([str(SCRIPT)], _env(tmp_path, LDD_OK, QT_QPA_PLATFORM="offscreen"), tmp_path)
    assert (r.returncode, r.stderr) == (0, "")
    r = _run([str(SCRIPT), "--packages"], _env(tmp_path, LDD_OK), tmp_path)
    assert r.stdout.split() == list(qt_libs.SETUP_PACKAGES)


@needs_linux
@pytest.mark.parametrize(("ldd_output", "display", "expected"), [
    (LDD_XCB, ":0", "apt-get install -y libxcb-icccm4 libxcb-keysyms1"),
    (LDD_OK, None, qt_libs.NO_DISPLAY)])
def test_the_app_says_why_it_cannot_start_instead_of_aborting(tmp_path, ldd_output, display,
                                                              expected):
    extra = {"DISPLAY": display} if display else {}
    r = _run([str(ROOT / "main.py")], _env(tmp_path, ldd_output, **extra), tmp_path)
    assert r.returncode == 1, (r.returncode, r.stderr[-2000:])  # not Qt's abort (-6)
    assert expected in r.stderr
    assert "Could not load the Qt platform plugin" not in r.stderr
