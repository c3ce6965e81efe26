"""Compare runs: variants of the current session trained side by side.

``variants`` turns the session into a list of (label, config): every chosen
optimizer, Xavier vs He, or batch norm off/on; everything else stays as in the
session. The optimizers other than the session's own use the learning rate of
their lecture preset (``resources/presets/06_optimizer_*``) when one exists, so
each races with a sensible step size, and their class defaults otherwise.

``CompareRunner`` trains the variants round-robin in one background thread, in
short chunks so the curves grow together, and publishes their loss histories a
few times a second.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.data import datasets
from core.train.config import SessionConfig, config_to_dict, parse_config
from core.train.trainer import Trainer

LECTURE_OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")
KINDS = {"optimizers": "Optimizers", "init": "Xavier vs He", "batch_norm": "Batch norm off / on"}
INITS = (("Xavier", "xavier_uniform"), ("He", "he_normal"))
PRESETS_DIR = datasets.RESOURCES_DIR / "presets"
CHUNK = 25
PUBLISH_EVERY = 0.1


def preset_hyper(name: str) -> dict[str, float] | None:
    """Hyper-parameters of the lecture preset for optimizer ``name``, if shipped."""
    for path in sorted(PRESETS_DIR.glob(f"06_optimizer_*_{name}.json")):
        try:
            doc = json.loads(path.read_text())
            return dict(doc["optimizer"].get("hyper", {}))
        except (OSError, ValueError, KeyError, TypeError):
            return None
    return None


def _with(config: SessionConfig, section: str, **changes) -> SessionConfig:
    d = config_to_dict(config)
    d[section].update(changes)
    return parse_config(d)  # ValueError names the field if the variant is impossible


def variants(config: SessionConfig, kind: str,
             optimizers: list[str] | None = None) -> list[tuple[str, SessionConfig]]:
    if kind == "optimizers":
        out = []
        for name in optimizers or LECTURE_OPTIMIZERS:
            if name == config.optimizer.name:
                hyper = dict(config.optimizer.hyper)
            else:
                hyper = preset_hyper(name) or {}
            lr = {**_defaults(name), **hyper}["lr"]
            out.append((f"{name} (lr {lr:g})",
                        _with(config, "optimizer", name=name, hyper=hyper)))
        return out
    if kind == "init":
        return [(f"{label} ({init})", _with(config, "network", initializer=init))
                for label, init in INITS]
    if kind == "batch_norm":
        return [("batch norm off", _with(config, "network", batch_norm=False)),
                ("batch norm on", _with(config, "network", batch_norm=True))]
    raise ValueError(f"unknown comparison {kind!r}")


def _defaults(name: str) -> dict[str, float]:
    from core.optim.optimizers import OPTIMIZERS

    return dict(OPTIMIZERS.get(name).defaults)


@dataclass(frozen=True)
class Curve:
    label: str
    steps: np.ndarray
    loss: np.ndarray
    status: str  # trainer status, or "error"
    message: str = ""


class CompareRunner(QObject):
    """Trains variants in a background thread; ``progress`` carries a tuple of Curves."""

    progress = Signal(object)
    done = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, runs: list[tuple[str, SessionConfig]], n_steps: int,
              raw: datasets.Dataset | None = None) -> None:
        self.stop()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(runs, n_steps, raw,
                                                                self._stop),
                                        name="compare-runner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> bool:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)
        return not self.running()

    def _run(self, runs, n_steps: int, raw, stop: threading.Event) -> None:
        try:
            trainers: list[tuple[str, Trainer | None, str]] = []
            for label, cfg in runs:
                if stop.is_set():
                    return
                try:
                    trainers.append((label, Trainer(cfg, raw=raw), ""))
                except ValueError as err:
                    trainers.append((label, None, str(err)))
            last = 0.0
            while not stop.is_set():
                active = False
                for _, t, _ in trainers:
                    if t is not None and not t.finished and t.step < n_steps:
                        t.run(min(CHUNK, n_steps - t.step), should_stop=stop.is_set)
                        active = True
                now = time.perf_counter()
                if not active or now - last >= PUBLISH_EVERY:
                    self.progress.emit(tuple(self._curve(*x) for x in trainers))
                    last = now
                if not active:
                    break
            if not stop.is_set():
                self.done.emit()
        except Exception as err:  # noqa: BLE001 - reported, never kills the app
            self.failed.emit("".join(traceback.format_exception_only(type(err), err)).strip())

    @staticmethod
    def _curve(label: str, t: Trainer | None, error: str) -> Curve:
        if t is None:
            return Curve(label, np.zeros(0), np.zeros(0), "error", error)
        s = t.snapshot()
        return Curve(label, s.steps, s.train_loss, s.status, s.message)
