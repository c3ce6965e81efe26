"""Checks for values read from untrusted files (sessions, presets).

Each check takes the container and the key, so its error names the field:
``field 'order' holds 1000000000000, outside 0..319``. Everything a numba
kernel will index with, and every size that drives an allocation, passes
through one of these before use.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from core.common import limits


class FieldError(ValueError):
    """A stored value that is missing, of the wrong type or out of range."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"field '{field}' {problem}")


def _get(d: Mapping, key: str, field: str):
    if not isinstance(d, Mapping):
        raise FieldError(field.rsplit(".", 1)[0] or field, "is not a JSON object")
    if key not in d:
        raise FieldError(field, "is missing")
    return d[key]


def integer(d: Mapping, key: str, lo: int, hi: int, *, field: str | None = None,
            optional: bool = False) -> int | None:
    """A plain int (not a bool, not a float) in lo..hi; None if optional and null/absent."""
    field = field or key
    if optional and (not isinstance(d, Mapping) or d.get(key) is None):
        return None
    v = _get(d, key, field)
    if isinstance(v, bool) or not isinstance(v, int):
        raise FieldError(field, f"must be an integer, got {_show(v)}")
    if not lo <= v <= hi:
        raise FieldError(field, f"must lie in {lo}..{hi}, got {_show(v)}")
    return v


def real(d: Mapping, key: str, *, field: str | None = None, allow_inf: bool = False,
         lo: float = -np.inf) -> float:
    """A JSON number (not a bool, not NaN; +inf only when allowed) at least ``lo``."""
    field = field or key
    v = _get(d, key, field)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise FieldError(field, f"must be a number, got {_show(v)}")
    try:
        x = float(v)
    except OverflowError:
        raise FieldError(field, "is too large a number") from None
    if np.isnan(x) or (np.isinf(x) and not (allow_inf and x > 0)) or x < lo:
        raise FieldError(field, f"must be a finite number >= {lo:g}, got {_show(v)}")
    return x


def text(d: Mapping, key: str, *, field: str | None = None, default: str | None = None) -> str:
    field = field or key
    if default is not None and (not isinstance(d, Mapping) or key not in d):
        return default
    v = _get(d, key, field)
    if not isinstance(v, str) or len(v) > limits.MAX_TEXT:
        raise FieldError(field, f"must be a text of at most {limits.MAX_TEXT} characters")
    return v


def text_list(d: Mapping, key: str, n: int, *, field: str | None = None) -> tuple[str, ...]:
    """A list of exactly ``n`` short texts."""
    field = field or key
    v = _get(d, key, field)
    if not isinstance(v, list) or len(v) != n:
        raise FieldError(field, f"must be a list of {n} names")
    if not all(isinstance(s, str) and len(s) <= limits.MAX_TEXT for s in v):
        raise FieldError(field, "must hold short texts only")
    return tuple(v)


def array(arrays: Mapping, key: str, *, dtype, shape: tuple | None = None, ndim: int | None = None,
          finite: bool = False) -> np.ndarray:
    """A stored array of exactly this dtype (and shape / number of dimensions)."""
    a = arrays.get(key)
    if a is None:
        raise FieldError(key, "is missing from arrays.npz")
    if not isinstance(a, np.ndarray) or a.dtype != np.dtype(dtype):
        got = a.dtype if isinstance(a, np.ndarray) else type(a).__name__
        raise FieldError(key, f"must be a {np.dtype(dtype)} array, got {got}")
    if shape is not None and a.shape != tuple(shape):
        raise FieldError(key, f"must have shape {tuple(shape)}, got {a.shape}")
    if ndim is not None and a.ndim != ndim:
        raise FieldError(key, f"must be {ndim}-D, got shape {a.shape}")
    if finite and not np.all(np.isfinite(a)):
        raise FieldError(key, "holds NaN or infinite values")
    return a


def indices(arrays: Mapping, key: str, n: int, *, unique: bool = True) -> np.ndarray:
    """A 1-D int64 array of distinct row indices in 0..n-1 (what a kernel will gather)."""
    a = array(arrays, key, dtype=np.int64, ndim=1)
    if a.size and (a.min() < 0 or a.max() >= n):
        bad = a[(a < 0) | (a >= n)][0]
        raise FieldError(key, f"holds index {int(bad)}, outside 0..{n - 1}")
    if unique and np.unique(a).size != a.size:
        raise FieldError(key, "repeats an index (it must be a permutation)")
    return a


def same_set(a: np.ndarray, expected: np.ndarray, field: str, what: str) -> None:
    if a.size != expected.size or not np.array_equal(np.sort(a), np.sort(expected)):
        raise FieldError(field, f"is not a permutation of {what}")


_PCG_KEYS = {"bit_generator", "state", "has_uint32", "uinteger"}


def rng_state(d: Mapping, key: str) -> np.random.Generator:
    """A PCG64 generator restored from its stored state, every part checked first."""
    s = _get(d, key, key)
    if not isinstance(s, Mapping) or set(s) != _PCG_KEYS or s["bit_generator"] != "PCG64":
        raise FieldError(key, "is not a PCG64 random-generator state")
    inner = s["state"]
    if not isinstance(inner, Mapping) or set(inner) != {"state", "inc"}:
        raise FieldError(f"{key}.state", "must hold 'state' and 'inc'")
    integer(inner, "state", 0, 2**128 - 1, field=f"{key}.state.state")
    integer(inner, "inc", 0, 2**128 - 1, field=f"{key}.state.inc")
    integer(s, "has_uint32", 0, 1, field=f"{key}.has_uint32")
    integer(s, "uinteger", 0, 2**32 - 1, field=f"{key}.uinteger")
    rng = np.random.default_rng()
    rng.bit_generator.state = dict(s)
    return rng


def json_depth(doc) -> int:
    """How deeply ``doc`` (parsed JSON) nests, counted without recursion and only up to
    one level past ``limits.MAX_JSON_DEPTH`` (a deeper document is refused anyway)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, d)
            if d <= limits.MAX_JSON_DEPTH:
                stack.extend((v, d + 1) for v in (node.values() if isinstance(node, dict)
                                                  else node))
    return deepest


def _show(v) -> str:
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**30:
        return f"an integer of {v.bit_length()} bits"
    r = repr(v)
    return r if len(r) <= 60 else r[:57] + "..."
