"""Screenshot of the app on a lesson, for the README and for looking at the dock.

    python scripts/lesson_screenshot.py --lesson 26 [--size 1400x900] [--steps 600]
        [--presentation] [--out docs/lesson.png] [--menu presets.png]

Opens the main window (offscreen unless QT_QPA_PLATFORM says otherwise; under
Xvfb set DISPLAY and QT_QPA_PLATFORM=xcb) at ``--size``, shows the Lessons dock,
opens lesson ``--lesson`` (1-based, as the dock counts), trains its preset
``--steps`` steps (or plays its race in the Optimizer lab), and saves
``window.grab()``. ``--presentation`` turns presentation mode on first (F5:
bigger text, the side panels hidden, the Lessons dock kept). ``--menu`` also
saves the Presets menu, opened. Uses throw-away settings, so a saved layout of
the real app does not leak in.
"""

from __future__ import annotations

import argparse
import os
import sys

from shot_common import ROOT, open_window, save_grab
from shot_common import wait as _wait


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lesson", type=int, default=1)
    p.add_argument("--out", default=str(ROOT / "docs" / "lesson.png"))
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--size", default="1400x900")
    p.add_argument("--presentation", action="store_true", help="in presentation mode (F5)")
    p.add_argument("--menu", default=None, help="also save the opened Presets menu here")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QPoint

    opened = open_window("lesson-screenshot", args.size)
    if opened is None:
        return 1
    app, window = opened
    if args.presentation:
        window.presentation.set_presentation(True)
    lessons = window.lessons
    lessons.show_dock()
    _wait(app, lambda: False, 0.3)
    lessons.open(args.lesson - 1)
    lesson = lessons.lesson
    session = window.session
    if lesson.opens.tab == "lab" and window.lab is not None:
        window.lab.step(args.steps)
    elif args.steps > 0:
        session.play(until=args.steps)
        _wait(app, lambda: session.step >= args.steps or (session.step > 0
                                                          and not session.playing), 300)
    _wait(app, lambda: False, 0.8)  # the last frame, the heat map, the dock's layout
    out = save_grab(window, args.out)
    if out is None:
        return 1
    mode = ", presentation mode" if args.presentation else ""
    print(f"wrote {out}: lesson {args.lesson} ({lesson.title}) at {args.size}{mode}")
    if args.menu:
        menu = window.files.presets_menu
        menu.popup(window.mapToGlobal(QPoint(40, 30)))
        _wait(app, lambda: False, 0.5)
        menu.grab().save(args.menu)
        menu.hide()
        print(f"wrote {args.menu}")
    session.document.dirty = False  # nothing to save: no prompt on close
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
