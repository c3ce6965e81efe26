"""The optimizer lab's numerics: 2-D test surfaces, the optimizer race on them,
and the network loss landscape. Plain NumPy; no Qt.

Modules: ``surfaces`` (the test functions with analytic gradient and Hessian,
their registry and factories), ``race`` (``PathRace``: optimizers, and Newton's
method from ``core.optim.newton``, racing on a surface; ``RacePath``,
``RaceStop``, CSV export), ``model`` (the lab's settings per surface and the
presets), ``player`` (``LabPlayer``: the race, the shown step and the play
state, everything of the lab's GUI that is not drawing) and ``landscape`` (a
2-D slice of a network's training loss around its weights).
"""
