"""Session files: one file that reopens a session exactly.

Format (``.opg``): a zip holding ``session.json`` (the config, human-readable,
with ``schema_version``, plus the run's scalar state) and ``arrays.npz``
(weights, optimizer state, BN running statistics, batch order, metric history,
and the data itself when it came from a user's CSV), stored losslessly.
A plain JSON file holding just a config (the presets) loads too.

Rules: loading is all-or-nothing with one ``SessionError`` naming the problem;
saving writes a temporary file beside the target and renames it, so a failure
never leaves a broken file where a good one was; older schema versions are
migrated step by step (``MIGRATIONS``).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core import datasets
from core.config import SCHEMA_VERSION, SessionConfig, config_to_dict, parse_config

FORMAT = "optimizer-playground-session"
SUFFIX = ".opg"


class SessionError(ValueError):
    """A session file that cannot be loaded or saved; the message names the problem."""


# -- migrations ------------------------------------------------------------------
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


def migrate(cfg: dict) -> dict:
    """Bring a config dict to ``SCHEMA_VERSION`` one registered step at a time."""
    version = cfg.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SessionError("the config has no integer schema_version")
    if version > SCHEMA_VERSION:
        raise SessionError(f"written by a newer version of the program (schema {version}; "
                           f"this one reads up to {SCHEMA_VERSION})")
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise SessionError(f"schema version {version} is too old to migrate")
        cfg = MIGRATIONS[version](cfg)
        version = cfg["schema_version"]
    return cfg


# -- loading ---------------------------------------------------------------------
@dataclass(frozen=True)
class LoadedSession:
    config: SessionConfig
    state: tuple[dict, dict[str, np.ndarray]] | None  # trainer state, when trained
    raw: datasets.Dataset | None  # the data, when it travels inside the file

    def trainer(self):
        """A ``Trainer`` in exactly the saved state."""
        from core.trainer import Trainer

        trainer = Trainer(self.config, raw=self.raw)
        if self.state is not None:
            trainer.load_state_dict(*self.state)
        return trainer


def load_session(path: str | Path) -> LoadedSession:
    """Read a session file or a plain JSON config. ``SessionError`` on any problem."""
    path = Path(path)
    try:
        blob = path.read_bytes()
    except OSError as err:
        raise SessionError(f"cannot read {path}: {err.strerror or err}") from None
    if not blob:
        raise SessionError(f"{path.name} is empty")
    try:
        if blob[:2] == b"PK":
            return _load_zip(blob)
        return LoadedSession(_config_from_json(blob, path.name), None, None)
    except SessionError as err:
        raise SessionError(f"{path.name}: {err}") from None


def _config_from_json(blob: bytes, what: str) -> SessionConfig:
    try:
        doc = json.loads(blob.decode("utf-8"))
    except UnicodeDecodeError:
        raise SessionError("not a session file (neither a zip nor UTF-8 JSON)") from None
    except json.JSONDecodeError as err:
        raise SessionError(f"invalid JSON at line {err.lineno}, column {err.colno}: "
                           f"{err.msg}") from None
    if not isinstance(doc, dict):
        raise SessionError("not a session config (the JSON is not an object)")
    if "config" in doc and doc.get("format") == FORMAT:
        doc = doc["config"]
    if "schema_version" not in doc:
        raise SessionError("not an Optimizer Playground session (no schema_version)")
    try:
        return parse_config(migrate(doc))
    except SessionError:
        raise
    except ValueError as err:
        raise SessionError(str(err)) from None


def _load_zip(blob: bytes) -> LoadedSession:
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            names = set(zf.namelist())
            if "session.json" not in names:
                raise SessionError("not an Optimizer Playground session (no session.json inside)")
            doc_blob = zf.read("session.json")
            array_blob = zf.read("arrays.npz") if "arrays.npz" in names else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as err:
        raise SessionError(f"damaged or truncated session file ({err})") from None
    except KeyError as err:
        raise SessionError(f"damaged session file ({err})") from None
    try:
        doc = json.loads(doc_blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SessionError(f"session.json is not valid JSON ({err})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SessionError("not an Optimizer Playground session (unknown format)")
    config = _config_from_json(json.dumps(doc.get("config")).encode(), "session.json")
    arrays: dict[str, np.ndarray] = {}
    if array_blob is not None:
        try:
            with np.load(io.BytesIO(array_blob), allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except Exception as err:  # numpy raises several kinds for a damaged npz
            raise SessionError(f"arrays.npz is damaged ({type(err).__name__}: {err})") from None
    raw = None
    if "data" in doc:
        raw = _dataset_from(doc["data"], arrays)
    state = None
    if doc.get("state") is not None:
        if "params" not in arrays:
            raise SessionError("the session says it was trained but holds no weights")
        state = (doc["state"], arrays)
    loaded = LoadedSession(config, state, raw)
    if state is not None:
        try:  # build once to prove the state fits before anyone uses it
            loaded.trainer()
        except (KeyError, TypeError) as err:
            raise SessionError(f"incomplete training state (missing {err})") from None
        except ValueError as err:
            raise SessionError(f"training state does not fit the config: {err}") from None
    return loaded


def _dataset_from(meta: dict, arrays: dict[str, np.ndarray]) -> datasets.Dataset:
    try:
        X = np.array(arrays["data.X"], dtype=np.float64)
        y = np.array(arrays["data.y"])
        X.flags.writeable = False
        y.flags.writeable = False
        return datasets.Dataset(X=X, y=y, task=meta["task"], n_classes=int(meta["n_classes"]),
                                feature_names=tuple(meta["feature_names"]), name=meta["name"],
                                class_names=tuple(meta.get("class_names", ())))
    except (KeyError, TypeError, ValueError) as err:
        raise SessionError(f"the embedded data set is damaged ({err})") from None


# -- saving ----------------------------------------------------------------------
def save_session(path: str | Path, config: SessionConfig, trainer=None) -> None:
    """Write the session atomically. A ``.json`` path gets the config only."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        payload = (json.dumps(config_to_dict(config), indent=2) + "\n").encode()
    else:
        payload = _zip_payload(config, trainer)
    atomic_write(path, payload)


def _zip_payload(config: SessionConfig, trainer) -> bytes:
    doc: dict = {"format": FORMAT, "config": config_to_dict(config), "state": None}
    arrays: dict[str, np.ndarray] = {}
    if trainer is not None:
        meta, arrays = trainer.state_dict()
        doc["state"] = meta
        if config.data.name == "csv":  # the user's file travels with the session
            raw = trainer.data.raw
            arrays["data.X"], arrays["data.y"] = raw.X, raw.y
            doc["data"] = {"task": raw.task, "n_classes": raw.n_classes, "name": raw.name,
                           "feature_names": list(raw.feature_names),
                           "class_names": list(raw.class_names)}
    npz = io.BytesIO()
    np.savez_compressed(npz, **arrays)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("session.json", json.dumps(doc, indent=2))
        zf.writestr("arrays.npz", npz.getvalue())
    return out.getvalue()


def atomic_write(path: Path, payload: bytes) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise SessionError(f"cannot write to {folder}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise SessionError(f"cannot save {path.name}: {err.strerror or err}") from None
        raise
