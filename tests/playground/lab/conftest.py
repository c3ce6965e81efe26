"""The ``lab`` fixture for every test of the Optimizer lab (see lab_helpers)."""

from tests.playground.lab.lab_helpers import lab  # noqa: F401
