"""Reading zip members and ``.npz`` arrays from untrusted bytes, with bounded memory.

Nothing a file declares is trusted: member sizes are read with a limit (a
header may lie), ``.npy`` headers are parsed and their shape checked against
the remaining budget *before* anything is allocated, only plain little-endian
float64/int64 arrays are accepted (never pickles), and encrypted members or
unusual compression methods are refused. Every failure, whatever the library
raised (zlib.error, lzma.LZMAError, NotImplementedError, RuntimeError, ...),
becomes one ``ZipContentError`` with a short reason.
"""

from __future__ import annotations

import io
import math
import zipfile

import numpy as np

ALLOWED_DTYPES = ("<f8", "<i8")
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class ZipContentError(ValueError):
    """Zip bytes that are damaged, hostile or too large."""


def open_zip(blob: bytes, max_members: int) -> zipfile.ZipFile:
    """A ZipFile over ``blob`` whose members are all plain (not encrypted, stored or
    deflated) and few enough."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(blob))
        infos = zf.infolist()
    except Exception as err:  # noqa: BLE001 - any parse failure of foreign bytes
        raise ZipContentError(f"damaged or truncated zip ({_reason(err)})") from None
    if len(infos) > max_members:
        raise ZipContentError(f"holds {len(infos)} members, at most {max_members} expected")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise ZipContentError("holds two members of the same name")
    for info in infos:
        if info.flag_bits & 0x1:
            raise ZipContentError(f"member {info.filename!r} is encrypted")
        if info.compress_type not in _METHODS:
            raise ZipContentError(f"member {info.filename!r} uses an unsupported "
                                  f"compression method ({info.compress_type})")
    return zf


def read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The inflated bytes of ``name``, refused past ``limit`` bytes (whatever the header
    claims); the CRC is checked because the member is read to its end."""
    try:
        info = zf.getinfo(name)
        if info.file_size > limit:
            raise ZipContentError(f"{name} would inflate to {info.file_size} bytes "
                                  f"(at most {limit})")
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except ZipContentError:
        raise
    except Exception as err:  # noqa: BLE001
        raise ZipContentError(f"{name} is damaged ({_reason(err)})") from None
    if len(data) > limit:
        raise ZipContentError(f"{name} inflates past {limit} bytes")
    return data


def read_npz(blob: bytes, max_bytes: int, max_members: int) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` (itself a zip of ``.npy`` files), all together at most
    ``max_bytes`` of array data."""
    zf = open_zip(blob, max_members)
    out: dict[str, np.ndarray] = {}
    budget = max_bytes
    for info in zf.infolist():
        if not info.filename.endswith(".npy") or len(info.filename) > 256:
            raise ZipContentError(f"unexpected member {info.filename[:80]!r}")
        arr = _read_npy(zf, info, budget)
        budget -= arr.nbytes
        out[info.filename[:-4]] = arr
    return out


def _read_npy(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> np.ndarray:
    name = info.filename
    try:
        with zf.open(info) as fh:
            shape, fortran, dtype = _npy_header(fh, name)
            nbytes = math.prod(shape) * dtype.itemsize  # Python ints: no overflow
            if nbytes > budget:
                raise ZipContentError(f"{name} declares {nbytes} bytes of data, more than "
                                      f"the {budget} left of the limit")
            data = fh.read(nbytes + 1)
    except ZipContentError:
        raise
    except Exception as err:  # noqa: BLE001
        raise ZipContentError(f"{name} is damaged ({_reason(err)})") from None
    if len(data) != nbytes:
        raise ZipContentError(f"{name} holds {len(data)} bytes of data, its header "
                              f"declares {nbytes}")
    arr = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return np.array(arr, order="C")  # a private, writeable, contiguous copy


def _npy_header(fh, name: str) -> tuple[tuple[int, ...], bool, np.dtype]:
    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
    else:
        raise ZipContentError(f"{name} has an unsupported .npy version {version}")
    if dtype.str not in ALLOWED_DTYPES:
        raise ZipContentError(f"{name} holds {dtype} data; only float64 and int64 are read")
    if len(shape) > 4 or any(not isinstance(d, int) or d < 0 for d in shape):
        raise ZipContentError(f"{name} declares an impossible shape")
    return shape, fortran, dtype


def _reason(err: BaseException) -> str:
    text = str(err) or type(err).__name__
    return text if len(text) <= 120 else text[:117] + "..."
