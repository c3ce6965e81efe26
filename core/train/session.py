"""Session files: one file that reopens a session exactly.

Format (``.opg``): a zip holding ``session.json`` (the config, human-readable,
with ``schema_version``, plus the run's scalar state) and ``arrays.npz``
(weights, optimizer state, BN running statistics, batch order, metric history,
and the data itself when it came from a user's CSV), stored losslessly.
A plain JSON file holding just a config (the presets) loads too.

Rules: loading is all-or-nothing with one ``SessionError`` naming the problem;
saving writes a temporary file beside the target and renames it, so a failure
never leaves a broken file where a good one was; older schema versions are
migrated step by step (``core.train.migrations``).
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.common import checks, limits, safe_zip
from core.common.atomic import WriteError
from core.common.atomic import atomic_write as _atomic_write
from core.data import datasets
from core.train.config import SessionConfig, config_to_dict, parse_config
from core.train.migrations import MIGRATIONS, migrate, migration  # noqa: F401 - re-exported

FORMAT = "optimizer-playground-session"
SUFFIX = ".opg"


class SessionError(ValueError):
    """A session file that cannot be loaded or saved; the message names the problem."""


class DataOutsideError(SessionError):
    """The session reads a CSV outside its own folder and the user has not agreed."""

    def __init__(self, message: str, csv: Path) -> None:
        super().__init__(message)
        self.csv = csv


# -- loading ---------------------------------------------------------------------
@dataclass(frozen=True)
class LoadedSession:
    config: SessionConfig  # csv_path, if any, made absolute against the file's folder
    state: tuple[dict, dict[str, np.ndarray]] | None  # trainer state, when trained
    raw: datasets.Dataset | None  # the data, when it travels inside the file
    path: Path | None = None
    # The embedded data came from a CSV outside the session's folder: re-reading that
    # path (after an edit of the data settings) needs the user's consent.
    data_outside: bool = False

    def trainer(self):
        """A ``Trainer`` in exactly the saved state."""
        from core.train.trainer import Trainer

        trainer = Trainer(self.config, raw=self.raw)
        if self.state is not None:
            trainer.load_state_dict(*self.state)
        return trainer


def load_session(path: str | Path, *, allow_data_outside: bool = False) -> LoadedSession:
    """Read a session file or a plain JSON config. ``SessionError`` on any problem.

    A CSV the session names is resolved against the session file's folder; it must
    lie inside that folder (or below) unless ``allow_data_outside`` — otherwise a
    shared file could make the program read, and embed on the next save, any file
    of the person who opens it (``DataOutsideError``).
    """
    path = Path(path)
    blob = _read_file(path)
    try:
        if blob[:2] == b"PK":
            loaded = _load_zip(blob)
        else:
            loaded = LoadedSession(_config_from_json(blob), None, None)
        loaded = _resolve_data(loaded, path, allow_data_outside)
        if loaded.state is not None:
            _check_state(loaded)
    except DataOutsideError:
        raise
    except SessionError as err:
        raise SessionError(f"{path.name}: {err}") from None
    return replace(loaded, path=path)


def _read_file(path: Path) -> bytes:
    """The file's bytes; only a regular file of bounded size is read (never a pipe or
    a device, which could block or never end)."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise SessionError(f"{path.name} is not a regular file")
        if st.st_size > limits.MAX_SESSION_BYTES:
            raise SessionError(f"{path.name} is {st.st_size} bytes, more than the "
                               f"{limits.MAX_SESSION_BYTES} a session may have")
        with open(path, "rb") as fh:
            blob = fh.read(limits.MAX_SESSION_BYTES + 1)
    except OSError as err:
        raise SessionError(f"cannot read {path}: {err.strerror or err}") from None
    if not blob:
        raise SessionError(f"{path.name} is empty")
    if len(blob) > limits.MAX_SESSION_BYTES:
        raise SessionError(f"{path.name} grew past {limits.MAX_SESSION_BYTES} bytes")
    return blob


def _parse_json(blob: bytes, what: str):
    """JSON of bounded size and nesting; any parser failure is a SessionError."""
    if len(blob) > limits.MAX_JSON_BYTES:
        raise SessionError(f"{what} is larger than {limits.MAX_JSON_BYTES} bytes")
    try:
        doc = json.loads(blob.decode("utf-8"))
    except UnicodeDecodeError:
        raise SessionError("not a session file (neither a zip nor UTF-8 JSON)") from None
    except json.JSONDecodeError as err:
        raise SessionError(f"invalid JSON in {what} at line {err.lineno}, column "
                           f"{err.colno}: {err.msg}") from None
    except RecursionError:
        raise SessionError(f"{what} nests deeper than {limits.MAX_JSON_DEPTH} levels") from None
    except ValueError as err:  # e.g. an integer of more than 4300 digits
        raise SessionError(f"{what} holds a value that cannot be read ({err})") from None
    if checks.json_depth(doc) > limits.MAX_JSON_DEPTH:
        raise SessionError(f"{what} nests deeper than {limits.MAX_JSON_DEPTH} levels")
    return doc


def _config_from_json(blob: bytes, what: str = "the config") -> SessionConfig:
    doc = _parse_json(blob, what)
    if not isinstance(doc, dict):
        raise SessionError("not a session config (the JSON is not an object)")
    if "config" in doc and doc.get("format") == FORMAT:
        doc = doc["config"]
    return _config_from_doc(doc)


def _config_from_doc(doc) -> SessionConfig:
    if not isinstance(doc, dict):
        raise SessionError("the config is not a JSON object")
    if "schema_version" not in doc:
        raise SessionError("not an Optimizer Playground session (no schema_version)")
    try:
        return parse_config(migrate(doc))
    except ValueError as err:  # MigrationError included: its message is the one to show
        raise SessionError(str(err)) from None
    except (TypeError, KeyError, AttributeError) as err:  # a migration met a foreign shape
        raise SessionError(f"the config cannot be migrated ({err})") from None


def _load_zip(blob: bytes) -> LoadedSession:
    try:
        zf = safe_zip.open_zip(blob, limits.MAX_ZIP_MEMBERS)
        names = set(zf.namelist())
        if "session.json" not in names:
            raise SessionError("not an Optimizer Playground session (no session.json inside)")
        doc_blob = safe_zip.read_member(zf, "session.json", limits.MAX_JSON_BYTES)
        npz = (safe_zip.read_member(zf, "arrays.npz", limits.MAX_SESSION_BYTES)
               if "arrays.npz" in names else None)
    except safe_zip.ZipContentError as err:
        raise SessionError(f"damaged session file: {err}") from None
    arrays: dict[str, np.ndarray] = {}
    if npz is not None:
        try:
            arrays = safe_zip.read_npz(npz, limits.MAX_ARRAYS_BYTES, limits.MAX_NPZ_MEMBERS)
        except safe_zip.ZipContentError as err:
            raise SessionError(f"arrays.npz is damaged: {err}") from None
    doc = _parse_json(doc_blob, "session.json")
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SessionError("not an Optimizer Playground session (unknown format)")
    config = _config_from_doc(doc.get("config"))
    raw = None
    if "data" in doc:
        if config.data.name != "csv":
            raise SessionError("field 'data': embedded data, but the config does not use a CSV")
        raw = _dataset_from(doc["data"], arrays)
    state = None
    if doc.get("state") is not None:
        if "params" not in arrays:
            raise SessionError("the session says it was trained but holds no weights")
        state = (doc["state"], arrays)
    return LoadedSession(config, state, raw)


def _check_state(loaded: LoadedSession) -> None:
    """Build the trainer once to prove the whole state fits before anyone uses it."""
    try:
        loaded.trainer()
    except checks.FieldError as err:
        raise SessionError(f"training state: {err}") from None
    except ValueError as err:
        raise SessionError(f"training state does not fit the config: {err}") from None


def _dataset_from(meta, arrays: dict[str, np.ndarray]) -> datasets.Dataset:
    """The user's CSV data stored in the session, every size checked before use."""
    try:
        if not isinstance(meta, dict):
            raise checks.FieldError("data", "is not a JSON object")
        X = checks.array(arrays, "data.X", dtype=np.float64, ndim=2, finite=True)
        n, d = X.shape
        if not 1 <= n <= limits.MAX_SAMPLES or not 1 <= d <= limits.MAX_CSV_COLUMNS:
            raise checks.FieldError("data.X", f"has shape {X.shape}, beyond the limits of "
                                    f"{limits.MAX_SAMPLES} rows and {limits.MAX_CSV_COLUMNS} "
                                    "columns")
        task = checks.text(meta, "task", field="data.task")
        if task not in datasets.TASKS:
            raise checks.FieldError("data.task", f"must be one of {', '.join(datasets.TASKS)}")
        regression = task == "regression"
        k = checks.integer(meta, "n_classes", 0 if regression else 2,
                           0 if regression else limits.MAX_CLASSES, field="data.n_classes")
        y = checks.array(arrays, "data.y", dtype=np.float64 if regression else np.int64)
        return datasets.Dataset(
            X=X, y=y, task=task, n_classes=k, name=checks.text(meta, "name", field="data.name"),
            feature_names=checks.text_list(meta, "feature_names", d, field="data.feature_names"),
            class_names=checks.text_list(meta, "class_names", k, field="data.class_names"))
    except checks.FieldError as err:
        raise SessionError(f"embedded data: {err}") from None
    except ValueError as err:
        raise SessionError(f"the embedded data set is damaged ({err})") from None


def _resolve_data(loaded: LoadedSession, path: Path, allow_outside: bool) -> LoadedSession:
    """Make a CSV path absolute against the session's folder; refuse one outside it
    (unless allowed) when the file will actually be read."""
    data = loaded.config.data
    if data.name != "csv" or not data.csv_path:
        return loaded
    folder = path.resolve().parent
    csv = Path(data.csv_path).expanduser()
    csv = Path(os.path.abspath(folder / csv))
    outside = not is_inside(csv, folder)
    if loaded.raw is None and outside and not allow_outside:
        raise DataOutsideError(
            f"{path.name} reads its data from {csv}, outside the session's folder {folder}; "
            "open it only if you trust the file (allow data outside the folder)", csv)
    config = loaded.config.model_copy(
        update={"data": data.model_copy(update={"csv_path": str(csv)})})
    return replace(loaded, config=config,
                   data_outside=outside and loaded.raw is not None and not allow_outside)


def is_inside(file: Path, folder: Path) -> bool:
    """``file`` (symlinks resolved) lies in ``folder`` or below."""
    real, base = os.path.realpath(file), os.path.realpath(folder)
    try:
        return os.path.commonpath([real, base]) == base
    except ValueError:  # different drives
        return False


# -- saving ----------------------------------------------------------------------
def save_session(path: str | Path, config: SessionConfig, trainer=None) -> None:
    """Write the session atomically. A ``.json`` path gets the config only.

    ``config`` is the session's current config (the trainer keeps the one it was
    built from): its optimizer must be the one ``trainer`` uses. ``trainer`` is
    anything with ``state_dict()`` and ``data.raw``: a Trainer, or a copy of one's
    state handed over by the app's training worker.

    A CSV path is written relative to the session's folder when the CSV lies
    inside it, so the folder can be moved or shared as a whole."""
    path = Path(path)
    config = _relative_data(config, path)
    if path.suffix.lower() == ".json":
        payload = (json.dumps(plain(config_to_dict(config)), indent=2) + "\n").encode()
    else:
        payload = _zip_payload(config, trainer)
    atomic_write(path, payload)


def _relative_data(config: SessionConfig, path: Path) -> SessionConfig:
    data = config.data
    if data.name != "csv" or not data.csv_path:
        return config
    csv = Path(os.path.abspath(Path(data.csv_path).expanduser()))
    folder = Path(os.path.abspath(path)).parent
    if not is_inside(csv, folder) or os.path.realpath(csv) != str(csv):
        return config.model_copy(update={"data": data.model_copy(update={"csv_path": str(csv)})})
    rel = csv.relative_to(Path(os.path.realpath(folder))).as_posix()
    return config.model_copy(update={"data": data.model_copy(update={"csv_path": rel})})


def _zip_payload(config: SessionConfig, trainer) -> bytes:
    doc: dict = {"format": FORMAT, "config": config_to_dict(config), "state": None}
    arrays: dict[str, np.ndarray] = {}
    if trainer is not None:
        meta, arrays = trainer.state_dict()
        used = meta["optimizer"]["name"]
        if used != config.optimizer.name:
            # The trainer never rewrites its config: the caller saves the current one.
            # A mismatch would write a file that refuses to load.
            raise SessionError(f"the config names optimizer {config.optimizer.name!r}, but "
                               f"the run uses {used!r}; save the config the run uses")
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
        zf.writestr("session.json", json.dumps(plain(doc), indent=2))
        zf.writestr("arrays.npz", npz.getvalue())
    return out.getvalue()


def plain(value):
    """``value`` with only plain JSON types (dict, list, str, int, float, bool, None):
    NumPy scalars become Python numbers; anything else is a bug, raised here rather
    than as a half-written file."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value.item() if isinstance(value, np.generic) else value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    raise TypeError(f"cannot store a {type(value).__name__} in session.json")


def atomic_write(path: str | Path, payload: bytes) -> None:
    """``core.common.atomic.atomic_write``, failing with a SessionError."""
    try:
        _atomic_write(path, payload)
    except WriteError as err:
        raise SessionError(str(err)) from None
