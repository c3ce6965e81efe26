"""Screenshot of the app mid-training, for the README.

    python scripts/screenshot.py [--out docs/screenshot.png] [--steps 1200] [--session FILE]

Opens the main window offscreen (unless QT_QPA_PLATFORM says otherwise) at
1400x900 on the default session (or FILE), trains ``--steps`` steps, and saves
``widget.grab()`` as a PNG. Uses a throw-away settings file, so a saved window
layout of the real app does not leak into the picture.
"""

from __future__ import annotations

import argparse
import os
import sys

from shot_common import ROOT, open_window, save_grab
from shot_common import wait as _wait


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    p.add_argument("--steps", type=int, default=1200)
    p.add_argument("--session", default=None, help="session or preset to open")
    p.add_argument("--size", default="1400x900")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from core.train.status import RunStatus

    opened = open_window("screenshot", args.size, args.session)
    if opened is None:
        return 1
    app, window = opened
    session = window.session
    session.play(until=args.steps)
    if not _wait(app, lambda: session.step >= args.steps or
                 (session.snapshot is not None and session.snapshot.status != RunStatus.RUNNING
                  and session.step > 0 and not session.playing), 300):
        print("error: training did not reach the step count", file=sys.stderr)
        return 1
    _wait(app, lambda: not session.playing, 5)
    _wait(app, lambda: False, 0.5)  # let the last frame and the heatmap draw
    out = save_grab(window, args.out)
    if out is None:
        return 1
    print(f"wrote {out} at step {session.step}")
    session.document.dirty = False  # nothing to save: no prompt on close
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
