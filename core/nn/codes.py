"""Kernel codes from the registries.

A compiled kernel switches on an integer code (numba cannot switch on names); an
entry's code is its registration order, stored on the entry (``info.code``). The
kernels compare against named module constants made here, which numba freezes
into the compiled code; they change only when the registering module's file
changes, and so does numba's file-keyed cache.
"""

from __future__ import annotations

from core.common.registry import Registry


def kernel_codes(registry: Registry, kernel_names: tuple[str, ...]) -> tuple[int, ...]:
    """The codes of ``kernel_names`` (the entries a kernel has a branch for), in that
    order; raises ``RuntimeError`` unless they are exactly the registered entries, so
    that registering one without a kernel branch fails at import, not in a kernel."""
    registered = registry.names()
    if sorted(kernel_names) != sorted(registered) or len(set(kernel_names)) != len(kernel_names):
        raise RuntimeError(f"every registered {registry.family} needs a kernel branch: "
                           f"registered {registered}, kernel branches {list(kernel_names)}")
    codes = tuple(registry.get(name).code for name in kernel_names)
    if sorted(codes) != list(range(len(registered))):
        raise RuntimeError(f"{registry.family} codes must be the registration order 0..n-1")
    return codes
