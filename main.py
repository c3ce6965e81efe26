"""Optimizer Playground entry point.

    python main.py                 open the desktop app on the default session
    python main.py run SESSION ... train headless (see `python main.py run --help`)
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "run":
        from core.cli import run_command

        return run_command(argv[1:])
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    from playground.app.entry import run_app

    return run_app(argv)


if __name__ == "__main__":
    sys.exit(main())
