"""Can Qt start here? The system libraries of the Qt platform plugin, and the display.

Qt's wheels bring Qt itself but not the X11/OpenGL system libraries it links
against. When one is missing, Qt aborts ("Could not load the Qt platform
plugin xcb") and names a library that is often not the missing one. This module
asks ``ldd`` instead: every shared library that the platform plugin and the
PySide6 modules the app imports need but cannot find, mapped to the Debian /
Ubuntu package that provides it, with the one ``apt-get`` command to run.

It imports no Qt (it must work exactly when PySide6 cannot be loaded): ``make
run`` runs it as a script before the app, ``python playground/app/qt_libs.py``
(exit code 1 and the install command on stderr when something is missing), and
``playground.app.entry`` calls :func:`problem` before creating the QApplication.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

NO_DISPLAY = "no display; set DISPLAY or use QT_QPA_PLATFORM=offscreen for tests"
# Platforms that draw without a window system: nothing to connect to.
HEADLESS = ("offscreen", "minimal", "vnc", "linuxfb", "eglfs", "vkkhrdisplay", "minimalegl")
# The PySide6 modules the app and pyqtgraph import (their Qt libraries come with them).
MODULES = ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtOpenGL", "QtOpenGLWidgets")

# soname -> Debian/Ubuntu package; the libraries that Qt 6's xcb plugin, Qt Gui and
# Qt OpenGL link against and that a minimal system may lack. (Ubuntu 24.04 renamed a
# few to ...t64; apt installs those for the old names, which stay virtual packages.)
PACKAGES: Mapping[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libpng16.so.16": "libpng16-16",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libexpat.so.1": "libexpat1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libpcre2-8.so.0": "libpcre2-8-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
}
# What a minimal Debian 12 (debootstrap --variant=minbase, plus python3) lacks for the
# xcb and offscreen plugins and the app's modules, as this check reported it there: the
# README's set-up installs them in one command.
SETUP_PACKAGES = (
    "libdbus-1-3", "libegl1", "libfontconfig1", "libfreetype6", "libgl1", "libglib2.0-0",
    "libx11-6", "libx11-xcb1", "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0",
    "libxcb-keysyms1", "libxcb-randr0", "libxcb-render-util0", "libxcb-render0",
    "libxcb-shape0", "libxcb-shm0", "libxcb-sync1", "libxcb-util1", "libxcb-xfixes0",
    "libxcb-xkb1", "libxcb1", "libxkbcommon-x11-0", "libxkbcommon0",
)

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)

Ldd = Callable[[Path], str]


@dataclass(frozen=True)
class Missing:
    """Shared libraries ``ldd`` could not find, and the packages that provide them."""

    platform: str
    libraries: tuple[str, ...]
    packages: tuple[str, ...]
    unknown: tuple[str, ...]  # libraries PACKAGES has no package for

    def command(self, root: bool | None = None) -> str:
        """The apt-get command that installs the missing packages."""
        root = os.geteuid() == 0 if root is None and hasattr(os, "geteuid") else bool(root)
        return ("" if root else "sudo ") + "apt-get install -y " + " ".join(self.packages)

    def message(self, root: bool | None = None) -> str:
        lines = [f"Qt cannot start: its platform plugin '{self.platform}' needs system "
                 f"libraries that are missing: {', '.join(self.libraries)}."]
        if self.packages:
            lines += ["On Debian or Ubuntu, install them with", "", "    " + self.command(root),
                      ""]
        if self.unknown:
            lines.append("Install the packages that provide " + ", ".join(self.unknown)
                         + " (e.g. `apt-file search " + self.unknown[0] + "`).")
        lines.append("(See the set-up section of README.md.)")
        return "\n".join(lines)


def platform(env: Mapping[str, str] | None = None) -> str:
    """The Qt platform plugin the app will load: the first entry of QT_QPA_PLATFORM
    (``wayland;xcb`` -> ``wayland``, ``offscreen:fontengine=...`` -> ``offscreen``),
    else xcb, Qt's default on Linux."""
    env = os.environ if env is None else env
    value = env.get("QT_QPA_PLATFORM", "").strip()
    first = re.split(r"[;:]", value, maxsplit=1)[0].strip() if value else ""
    return first or "xcb"


def display_problem(env: Mapping[str, str] | None = None,
                    system: str | None = None) -> str | None:
    """``NO_DISPLAY`` when a window system is needed and none is set, else None."""
    env = os.environ if env is None else env
    system = sys.platform if system is None else system
    if not system.startswith("linux") or platform(env) in HEADLESS:
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY


def pyside_dir() -> Path | None:
    """PySide6's folder, found without importing it (its import may be what fails)."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def files_to_check(plat: str, root: Path, *, modules: bool = True) -> list[Path]:
    """The platform plugin and (``modules``) the PySide6 extension modules, those that
    exist."""
    plugin = root / "Qt" / "plugins" / "platforms" / f"libq{plat}.so"
    mods = [p for name in MODULES for p in sorted(root.glob(f"{name}.*.so"))] if modules else []
    return [p for p in (plugin, *mods) if p.exists()]


def run_ldd(path: Path) -> str:
    """``ldd path``'s output ('' when ldd cannot say)."""
    try:
        done = subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout


def not_found(ldd_output: str) -> list[str]:
    """The sonames ``ldd`` printed as ``=> not found``, once each, in order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def missing(plat: str | None = None, *, root: Path | None = None, ldd: Ldd | None = None,
            modules: bool = True) -> Missing | None:
    """What the platform plugin ``plat`` (default: :func:`platform`) and (``modules``)
    the app's PySide6 modules miss; None when nothing is missing or it cannot be
    checked (not Linux, no ldd, no PySide6 -- then Qt's own message is all there is)."""
    plat = platform() if plat is None else plat
    root = pyside_dir() if root is None else root
    if ldd is None:
        if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
            return None
        ldd = run_ldd
    if root is None:
        return None
    libs = list(dict.fromkeys(lib for f in files_to_check(plat, root, modules=modules)
                              for lib in not_found(ldd(f))))
    if not libs:
        return None
    known = [lib for lib in libs if lib in PACKAGES]
    return Missing(plat, tuple(libs),
                   tuple(dict.fromkeys(PACKAGES[lib] for lib in known)),
                   tuple(lib for lib in libs if lib not in PACKAGES))


def problem(env: Mapping[str, str] | None = None, *, ldd: Ldd | None = None,
            root: Path | None = None, modules: bool = True) -> str | None:
    """Why Qt could not start the app's window here (a message for the user), or None.
    ``modules=False``: only the platform plugin (the app, which has imported PySide6
    already, saves the ~50 ms the modules' ldd calls take at start-up)."""
    env = os.environ if env is None else env
    # Headless platforms too: Qt Gui itself needs libGL, fontconfig, ... (make test).
    lacking = missing(platform(env), root=root, ldd=ldd, modules=modules)
    if lacking is not None:
        return lacking.message()
    return display_problem(env)


def main(argv: list[str] | None = None) -> int:
    """``python playground/app/qt_libs.py [--packages]``: 0 if Qt can start, else 1 and
    the reason on stderr. ``--packages`` prints the README's package list."""
    argv = sys.argv[1:] if argv is None else argv
    if "--packages" in argv:
        print(" ".join(SETUP_PACKAGES))
        return 0
    reason = problem()
    if reason is None:
        return 0
    print(reason, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
