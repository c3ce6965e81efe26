"""Migrations of session configs from older schema versions, one step at a time.

Each registered function takes a config dict of version v and returns one of
version v + 1 (``schema_version`` set); ``migrate`` chains them up to
``SCHEMA_VERSION``. Every migration has a test (tests/core/train/test_session.py).
"""

from __future__ import annotations

from collections.abc import Callable

from core.train.config import SCHEMA_VERSION


class MigrationError(ValueError):
    """A config that cannot be brought to the current schema; the message says why."""


MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


def migration(from_version: int):
    def register(fn: Callable[[dict], dict]) -> Callable[[dict], dict]:
        MIGRATIONS[from_version] = fn
        return fn
    return register


@migration(1)
def _v1_to_v2(cfg: dict) -> dict:
    """Version 1 (the first draft) kept hyper-parameters as flat optimizer fields
    (``{"name": "adam", "lr": 0.01}``) and shuffling as a boolean."""
    cfg = dict(cfg)
    opt = dict(cfg.get("optimizer", {}))
    hyper = dict(opt.pop("hyper", {}))
    for key in [k for k in opt if k != "name"]:
        hyper[key] = opt.pop(key)
    if hyper:
        opt["hyper"] = hyper
    cfg["optimizer"] = opt
    training = dict(cfg.get("training", {}))
    if isinstance(training.get("shuffle"), bool):
        training["shuffle"] = "epoch" if training["shuffle"] else "fixed"
    cfg["training"] = training
    cfg["schema_version"] = 2
    return cfg


@migration(2)
def _v2_to_v3(cfg: dict) -> dict:
    """Version 3 adds the L1 and L2 weight penalties (``training.l1``, ``training.l2``);
    a version-2 session trained without them, so both are 0."""
    cfg = dict(cfg)
    training = cfg.get("training", {})
    if not isinstance(training, dict):
        raise MigrationError("training must be a JSON object")
    training = dict(training)
    training.setdefault("l1", 0.0)
    training.setdefault("l2", 0.0)
    cfg["training"] = training
    cfg["schema_version"] = 3
    return cfg


def migrate(cfg: dict) -> dict:
    """Bring a config dict to ``SCHEMA_VERSION`` one registered step at a time."""
    version = cfg.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise MigrationError("the config has no integer schema_version")
    if version > SCHEMA_VERSION:
        raise MigrationError(f"written by a newer version of the program (schema {version}; "
                             f"this one reads up to {SCHEMA_VERSION})")
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise MigrationError(f"schema version {version} is too old to migrate")
        cfg = MIGRATIONS[version](cfg)
        version = cfg["schema_version"]
    return cfg
