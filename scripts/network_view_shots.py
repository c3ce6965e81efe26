"""Screenshots of the network view (the "Network" tab), for the README.

    python scripts/network_view_shots.py --session PRESET --steps N --out FILE
        [--size 1400x900] [--focus COLUMN,UNIT] [--widget view|window]

Opens the main window (offscreen unless QT_QPA_PLATFORM or DISPLAY say otherwise)
on the preset, trains ``--steps`` steps, shows the Network tab, optionally clicks a
unit (column 0 is the input), waits for the analysis to catch up, and saves a grab
of the window (or of the network view only). Throw-away settings, as
scripts/screenshot.py.
"""

from __future__ import annotations

import argparse
import os
import sys

from shot_common import open_window, save_grab
from shot_common import wait as _wait


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--session", default=None)
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--out", required=True)
    p.add_argument("--size", default="1400x900")
    p.add_argument("--focus", default=None)
    p.add_argument("--widget", choices=("view", "window", "plots"), default="window")
    p.add_argument("--stages", type=int, default=1,
                   help="train in this many stages, each until the curvature caught up")
    args = p.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    opened = open_window("screenshot", args.size, args.session)
    if opened is None:
        return 1
    app, window = opened
    view = window.views.network
    window.tabs.setCurrentWidget(view)
    session = window.session
    for k in range(1, args.stages + 1):
        until = args.steps * k // args.stages
        if until > session.step:
            session.play(until=until)
            _wait(app, lambda u=until: session.step >= u or (
                session.step > 0 and not session.playing), 600)
        _wait(app, lambda: not session.playing, 5)
        _wait(app, lambda: view.picture is not None and view.picture.curvature.steps.size
              and view.picture.curvature.steps[-1] == session.step, 30)
    step = session.step
    if not _wait(app, lambda: view.picture is not None and view.picture.step == step, 30):
        print("error: the network view did not catch up", file=sys.stderr)
        return 1
    if args.focus:
        c, u = (int(v) for v in args.focus.split(","))
        pos = view.diagram.mapFromScene(view.diagram.unit_pos(c, u))
        QTest.mouseMove(view.diagram.viewport(), pos)
        QTest.mouseClick(view.diagram.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        _wait(app, lambda: view.picture.focus is not None
              and (view.picture.focus.column, view.picture.focus.unit) == (c, u), 10)
    _wait(app, lambda: False, 0.8)  # the last picture and paint
    target = {"view": view, "plots": view.plots, "window": window}[args.widget]
    out = save_grab(target, args.out)
    if out is None:
        return 1
    print(f"wrote {out} at step {session.step}; analysis timings "
          f"{ {k: round(v * 1e3, 1) for k, v in view.analysis.timings.items()} } ms")
    session.document.dirty = False
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
