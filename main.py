"""Optimizer Playground entry point.

    python main.py                 open the desktop app on the default session
    python main.py run SESSION ... train headless (see `python main.py run --help`)
    python main.py sweep SESSION --vary PATH=VALUES ...
                                   compare variants over seeds, in parallel
                                   (see `python main.py sweep --help`)
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "run":
        from core.cli import run_command

        return run_command(argv[1:])
    if argv and argv[0] == "sweep":
        from core.cli import sweep_command

        return sweep_command(argv[1:], plot=_plot_sweep)
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    from playground.app.entry import run_app

    return run_app(argv)


def _plot_sweep(results, path, **options) -> None:
    """``sweep --plot``: the app's figure, drawn offscreen (no window opens)."""
    from playground.compare.figure import write_figure

    write_figure(results, path, **options)


if __name__ == "__main__":
    sys.exit(main())
