"""The training pace: at most ``rate`` steps per second, for a lecturer to narrate.

Step k after the clock starts (at time t_0, at step s_0) is due at

    t_k = t_0 + k / rate,        k = step - s_0,

so the worker trains ``floor((now - t_0) * rate) + 1 - k`` steps when it may,
and otherwise waits ``t_k - now`` on its condition variable (a command still
wakes it at once). A run that falls more than SLACK_SECONDS behind (a slow
frame, the GUI busy) restarts the clock instead of catching up in a burst. At
SLOW or fewer steps per second every step is one chunk and one frame of its own.
Used by the worker thread only.
"""

from __future__ import annotations

import time

SLOW = 30.0  # steps per second at or below which every step is drawn
SLACK_SECONDS = 0.5


class Pace:
    def __init__(self) -> None:
        self.rate: float | None = None  # None: as fast as possible
        self._mark: tuple[float, int] | None = None  # (t_0, s_0)

    @staticmethod
    def check(rate: float | None) -> float | None:
        """``rate`` as a float (None stays None); ValueError unless positive."""
        if rate is None:
            return None
        if not rate > 0:  # also refuses NaN
            raise ValueError(f"the pace must be a positive number of steps per second, "
                             f"got {rate!r}")
        return float(rate)

    def set(self, rate: float | None) -> None:
        self.rate = self.check(rate)
        self.restart()

    def restart(self) -> None:
        """The next step is due at once (play, a new pace)."""
        self._mark = None

    @property
    def slow(self) -> bool:
        """Every step its own frame."""
        return self.rate is not None and self.rate <= SLOW

    def due_in(self, step: int) -> float:
        """Seconds until step ``step`` + 1 is due (0: now, or no pace)."""
        if self.rate is None or self._mark is None:
            return 0.0
        t0, s0 = self._mark
        return max(0.0, t0 + (step - s0) / self.rate - time.perf_counter())

    def steps_due(self, step: int) -> int:
        """How many steps to train now (at least 1: asked when one is due)."""
        if self.rate is None:
            raise ValueError("no pace is set")
        now = time.perf_counter()
        if self._mark is not None:
            t0, s0 = self._mark
            if now - (t0 + (step - s0) / self.rate) > SLACK_SECONDS:
                self._mark = None  # fell behind: no burst to catch up
        if self._mark is None:
            self._mark = (now, step)
        if self.slow:
            return 1
        t0, s0 = self._mark
        return max(1, int((now - t0) * self.rate) + 1 - (step - s0))
