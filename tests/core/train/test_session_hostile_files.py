"""Hostile session files: every failure is one SessionError, allocations are bounded,
special files are refused, data paths stay inside the session's folder."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

from core.common import limits
from core.train.session import DataOutsideError, SessionError, load_session, save_session
from core.train.trainer import Trainer
from tests.core.train.test_session_state_checks import read_parts, write_parts
from tests.core.train.test_trainer import make_config

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    config = make_config()
    t = Trainer(config)
    t.run(30)
    path = tmp_path_factory.mktemp("g") / "good.opg"
    save_session(path, config, t)
    return path


def _refused(path: Path, match: str | None = None) -> str:
    blob = path.read_bytes() if path.is_file() else None
    with pytest.raises(SessionError) as err:
        load_session(path)
    msg = str(err.value)
    assert "\n" not in msg and len(msg) < 500, msg
    if match:
        assert match in msg, msg
    if blob is not None:
        assert path.read_bytes() == blob
    return msg


def _zip_of(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _patch_local_and_central(blob: bytes, offset_local: int, offset_central: int,
                             fmt: str, value: int) -> bytes:
    """Set one field of the first member in both its local and central header."""
    b = bytearray(blob)
    struct.pack_into(fmt, b, 0 + offset_local, value)
    cd = b.rfind(b"PK\x01\x02")
    struct.pack_into(fmt, b, cd + offset_central, value)
    return bytes(b)


def test_a_corrupted_deflate_stream_is_a_session_error(good, tmp_path):
    blob = bytearray(good.read_bytes())
    start = 30 + len("session.json")  # the first member's compressed data
    for i in range(start + 5, start + 40):
        blob[i] ^= 0x5A
    bad = tmp_path / "bad.opg"
    bad.write_bytes(bytes(blob))
    _refused(bad)


def test_an_encrypted_member_is_refused(good, tmp_path):
    blob = _zip_of({"session.json": b"{}"}, zipfile.ZIP_STORED)
    blob = _patch_local_and_central(blob, 6, 8, "<H", 0x1)  # general purpose flag bit 0
    bad = tmp_path / "enc.opg"
    bad.write_bytes(blob)
    _refused(bad, "encrypted")


@pytest.mark.parametrize("method", [98, 14, 12], ids=["PPMd", "LZMA", "bzip2"])
def test_unsupported_compression_methods_are_refused(tmp_path, method):
    blob = _zip_of({"session.json": b"{}"}, zipfile.ZIP_STORED)
    blob = _patch_local_and_central(blob, 8, 10, "<H", method)
    bad = tmp_path / "m.opg"
    bad.write_bytes(blob)
    _refused(bad, "compression")


def test_a_damaged_lzma_member_is_a_session_error(tmp_path):
    blob = bytearray(_zip_of({"session.json": b'{"format": 1}' * 100}, zipfile.ZIP_LZMA))
    blob[40:60] = b"\xff" * 20
    bad = tmp_path / "lzma.opg"
    bad.write_bytes(bytes(blob))
    _refused(bad)


def test_a_bad_end_of_central_directory_offset_is_a_session_error(good, tmp_path):
    blob = bytearray(good.read_bytes())
    eocd = blob.rfind(b"PK\x05\x06")
    struct.pack_into("<I", blob, eocd + 16, 0xFFFFFF00)  # offset of the central directory
    bad = tmp_path / "eocd.opg"
    bad.write_bytes(bytes(blob))
    _refused(bad)


def test_json_nested_100000_deep_is_a_session_error(tmp_path):
    bad = tmp_path / "deep.json"
    bad.write_text('{"schema_version": 2, "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    _refused(bad, "nests deeper")
    inside = tmp_path / "deep.opg"
    inside.write_bytes(_zip_of({"session.json": ("[" * 100_000 + "]" * 100_000).encode()}))
    _refused(inside, "nests deeper")


def test_a_5000_digit_integer_is_a_session_error(tmp_path):
    bad = tmp_path / "big.json"
    bad.write_text('{"schema_version": 2, "training": {"seed": ' + "7" * 5000 + "}}")
    _refused(bad)


def test_a_member_that_inflates_past_its_limit_is_refused_without_inflating_it(tmp_path):
    # 200 MB of zeros deflate to ~200 KB; the header is patched to claim 10 bytes.
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b" " * (1 << 20)
    data = b"".join(comp.compress(chunk) for _ in range(200)) + comp.flush()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("session.json", data)
    blob = _patch_local_and_central(out.getvalue(), 8, 10, "<H", zipfile.ZIP_DEFLATED)
    blob = _patch_local_and_central(blob, 22, 24, "<I", 10)  # uncompressed size: a lie
    bad = tmp_path / "bomb.opg"
    bad.write_bytes(blob)
    _refused(bad)


def test_an_npy_header_declaring_a_huge_shape_is_refused_before_allocating(good, tmp_path):
    doc, arrays = read_parts(good)
    write_parts(tmp_path / "base.opg", doc, arrays)
    with zipfile.ZipFile(tmp_path / "base.opg") as zf:
        session_json = zf.read("session.json")
    npy = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        npy, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    npy.write(b"\0" * 64)
    npz = _zip_of({"params.npy": npy.getvalue()})
    bad = tmp_path / "huge.opg"
    bad.write_bytes(_zip_of({"session.json": session_json, "arrays.npz": npz}))
    _refused(bad, "declares")


def test_pickled_arrays_are_refused(good, tmp_path):
    doc, arrays = read_parts(good)
    with zipfile.ZipFile(good) as zf:
        session_json = zf.read("session.json")
    npy = io.BytesIO()
    np.save(npy, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    bad = tmp_path / "pickle.opg"
    bad.write_bytes(_zip_of({"session.json": session_json,
                             "arrays.npz": _zip_of({"params.npy": npy.getvalue()})}))
    _refused(bad, "only float64 and int64")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.opg"
    os.mkfifo(fifo)
    errors: list[str] = []
    th = threading.Thread(target=lambda: errors.append(_refused(fifo)), daemon=True)
    th.start()
    th.join(10)
    assert not th.is_alive(), "loading a FIFO blocked"
    assert "not a regular file" in errors[0]


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null"])
def test_devices_are_refused(special):
    with pytest.raises(SessionError, match="not a regular file"):
        load_session(special)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(SessionError, match="not a regular file"):
        load_session(tmp_path)


def test_the_largest_config_validation_allowed_is_refused_by_its_memory_estimate():
    from core.train.config import parse_config

    with pytest.raises(ValueError, match=r"GiB.*limit"):
        parse_config({"network": {"hidden": [4096] * 64}})
    parse_config({"network": {"hidden": [1024] * 8}})  # 8.4M weights: fine


def test_the_exact_memory_check_uses_the_data_width(tmp_path, monkeypatch):
    # 3000 features into 1024 units: 3M weights, 196 MB by the estimate; the config
    # alone (which guesses 1 feature for a CSV) stays under a 100 MB limit.
    monkeypatch.setattr(limits, "MAX_CONFIG_BYTES", 100 * 2**20)
    header = ",".join(f"f{i}" for i in range(3000)) + ",y"
    row = ",".join("1" for _ in range(3000))
    (tmp_path / "wide.csv").write_text(header + "\n" + "\n".join(
        f"{row},{i % 2}" for i in range(20)) + "\n")
    config = make_config(data={"name": "csv", "csv_path": str(tmp_path / "wide.csv")},
                         network={"hidden": [1024]}, training={"batch_size": 16})
    with pytest.raises(ValueError, match="GiB"):
        Trainer(config)


# -- data paths -------------------------------------------------------------------------
def _csv(path: Path) -> Path:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    path.write_text("a,b,y\n" + "\n".join(f"{x:.4f},{y:.4f},{int(x > y)}" for x, y in X))
    return path


def _session_naming(folder: Path, csv_path: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    cfg = {"schema_version": 2, "data": {"name": "csv", "csv_path": csv_path},
           "network": {"hidden": [4]}}
    p = folder / "s.json"
    p.write_text(json.dumps(cfg))
    return p


def test_a_relative_csv_path_resolves_against_the_session_file(tmp_path, monkeypatch):
    (tmp_path / "proj").mkdir()
    _csv(tmp_path / "proj" / "data.csv")
    session = _session_naming(tmp_path / "proj", "data.csv")
    monkeypatch.chdir(tmp_path)  # not the session's folder
    loaded = load_session(session)
    assert Path(loaded.config.data.csv_path) == tmp_path / "proj" / "data.csv"
    assert loaded.trainer().data.raw.n_samples == 40


def test_a_csv_outside_the_session_folder_needs_consent(tmp_path):
    _csv(tmp_path / "secret.csv")
    session = _session_naming(tmp_path / "shared", "../secret.csv")
    with pytest.raises(DataOutsideError, match="outside the session's folder"):
        load_session(session)
    absolute = _session_naming(tmp_path / "shared2", str(tmp_path / "secret.csv"))
    with pytest.raises(DataOutsideError):
        load_session(absolute)
    assert load_session(session, allow_data_outside=True).trainer().data.raw.n_samples == 40


def test_a_symlink_inside_the_folder_pointing_out_is_outside(tmp_path):
    _csv(tmp_path / "secret.csv")
    (tmp_path / "shared").mkdir()
    os.symlink(tmp_path / "secret.csv", tmp_path / "shared" / "link.csv")
    with pytest.raises(DataOutsideError):
        load_session(_session_naming(tmp_path / "shared", "link.csv"))


def test_the_runner_asks_for_the_flag(tmp_path):
    _csv(tmp_path / "secret.csv")
    session = _session_naming(tmp_path / "shared", "../secret.csv")
    cmd = [sys.executable, "main.py", "run", str(session), "--steps", "3", "--quiet"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "outside the session's folder" in r.stderr
    r = subprocess.run(cmd + ["--allow-data-outside"], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr


def test_a_special_file_as_data_is_refused(tmp_path):
    os.mkfifo(tmp_path / "d.csv")
    session = _session_naming(tmp_path, "d.csv")
    loaded = load_session(session)
    with pytest.raises(ValueError, match="not a regular file"):
        loaded.trainer()


def test_saving_writes_the_csv_path_relative_to_the_session(tmp_path):
    (tmp_path / "proj").mkdir()
    _csv(tmp_path / "proj" / "data.csv")
    config = make_config(data={"name": "csv", "csv_path": str(tmp_path / "proj/data.csv")})
    save_session(tmp_path / "proj" / "s.json", config)
    assert json.loads((tmp_path / "proj/s.json").read_text())["data"]["csv_path"] == "data.csv"
    (tmp_path / "other").mkdir()
    save_session(tmp_path / "other/s.json", config)  # outside: stays absolute
    assert json.loads((tmp_path / "other/s.json").read_text())["data"]["csv_path"] == str(
        tmp_path / "proj/data.csv")


# -- saving -----------------------------------------------------------------------------
def test_an_overwritten_file_keeps_its_mode_and_new_files_follow_the_umask(tmp_path):
    config = make_config()
    target = tmp_path / "s.opg"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    save_session(target, config, Trainer(config))
    assert (target.stat().st_mode & 0o777) == 0o640
    old = os.umask(0o027)
    try:
        save_session(tmp_path / "new.opg", config)
        from core.cli import write_metrics

        write_metrics(Trainer(config).snapshot(), tmp_path / "m.csv")
    finally:
        os.umask(old)
    assert (tmp_path / "new.opg").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "m.csv").stat().st_mode & 0o777 == 0o640


def test_saving_onto_a_symlink_writes_its_target(tmp_path):
    config = make_config()
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "s.opg"
    real.write_bytes(b"old")
    link = tmp_path / "link.opg"
    os.symlink(real, link)
    save_session(link, config, Trainer(config))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load_session(real).config == config


def test_the_folder_is_synced_after_the_rename(tmp_path, monkeypatch):
    synced: list[bool] = []
    real_fsync = os.fsync

    def spy(fd):
        import stat

        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    save_session(tmp_path / "s.opg", make_config())
    assert synced == [False, True]  # the file, then its folder


def test_stale_temporary_files_of_the_target_are_removed(tmp_path):
    stale = tmp_path / ".s.opg.k1ll3d00.tmp"
    stale.write_bytes(b"half a session")
    other = tmp_path / ".other.opg.abcdefgh.tmp"
    other.write_bytes(b"not ours")
    save_session(tmp_path / "s.opg", make_config())
    assert not stale.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.opg.abcdefgh.tmp", "s.opg"]


def test_saving_over_a_device_or_folder_is_refused(tmp_path):
    (tmp_path / "dir.opg").mkdir()
    with pytest.raises(SessionError, match="not a regular file"):
        save_session(tmp_path / "dir.opg", make_config())
    assert limits.MAX_SESSION_BYTES > 0
