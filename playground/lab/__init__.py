"""The Optimizer Lab and the network-landscape view (issue 5), two self-contained
widgets to embed in the main window as tabs (or show as windows).

Entry points::

    from playground.lab import LabWidget, LandscapeWidget

    lab = LabWidget(parent=None)          # optimizers racing on 2-D test surfaces
    tabs.addTab(lab, "Optimizer lab")

    land = LandscapeWidget(parent=None)   # 2-D slice of the current network's loss
    land.set_trainer_provider(lambda: current_trainer_or_none)
    tabs.addTab(land, "Loss landscape")

``LabWidget`` needs nothing from the rest of the app: it owns its player
(``core.lab.player.LabPlayer``: the race, the shown step, playing, the
settings), animates it with a QTimer while shown (it pauses when hidden, e.g.
on a tab switch) and handles Space / S / R while the focus is inside it, even if
the window binds the same keys to training (see ``keys.LabKeys``).

``LandscapeWidget`` asks its provider for the current ``core.train.trainer.Trainer``
(or None: it then says that no run is available) when the user presses
Compute, and runs ``core.lab.landscape.compute_slice`` on it in a QThread, with a
progress bar and Cancel. The provider must hand over a trainer that nothing
else steps or modifies while the slice is computed (e.g. a paused run, or a
copy made in the training worker); call ``shutdown()`` before the app quits
(closing the widget does it too) to cancel and join a running computation.

Modules: ``lab_widget`` (wires the views to the player), its views
``top_bar`` (surface, options, presets, noise, export menu), ``race_map``
(contours and trails), ``loss_view`` (loss vs step), ``transport`` (play, step,
restart, scrub) and ``racer_table``; ``keys`` (Space / S / R), ``exports``
(picture and CSV, with the file dialogs), ``picture`` (PNG/SVG of a plot),
``contours`` (filled contours with log-spaced isolines); ``landscape_widget``
and its background ``slice_worker``. The lab's settings and presets are
``core.lab.model``.
"""

from playground.lab.lab_widget import LabWidget
from playground.lab.landscape_widget import LandscapeWidget

__all__ = ["LabWidget", "LandscapeWidget"]
