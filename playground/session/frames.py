"""What the worker sends the GUI (``Frame``), and how often: the pacing of frames
between the training thread and the GUI (see ``worker``)."""

from __future__ import annotations

from dataclasses import dataclass

from core.train.trainer import Snapshot
from playground.session.run_info import View

# While the GUI draws a frame the worker does not train. Both threads run
# Python between GIL releases (the nogil kernels, every Qt call), PySide keeps
# the GIL through every Qt call, painting included, and CPython hands it back
# and forth only every switch interval when both want it: drawing and training
# at the same time slows both down. So the worker pauses from emitting a frame
# until the GUI's ``ack()`` that it is drawn, or DRAW_WAIT_SECONDS at most.
DRAW_WAIT_SECONDS = 0.25
# Between frames the worker trains at least this many times as long as the GUI
# took to draw the last one: drawing takes at most 1/4 of the time, and a GUI
# that draws slowly gets fewer frames rather than slowing training down.
TRAIN_PER_DRAW = 3.0
# ... but a frame at least every this long (or every 1/max_fps, if longer): slow
# frames (the first ones after the window opens, a resize) must not leave the
# display still for long.
MAX_FRAME_GAP_SECONDS = 0.1
# A frame whose ``ack()`` has not come after this long counts as drawn: should an
# acknowledgement ever get lost, the newest frame (the paused run's last step)
# still reaches the screen instead of the picture staying at an older step.
ACK_LOST_SECONDS = 1.0


@dataclass(frozen=True)
class Frame:
    run_id: int
    snapshot: Snapshot
    view: View | None
    steps_per_sec: float
    playing: bool
    limit_reached: bool = False
