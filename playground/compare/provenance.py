"""Which config a comparison's results belong to, and whether the session still is it.

The results of a comparison are those of its base config. When the session's
config changes they no longer describe it: the view greys them and says so --
unless the session is now one of the comparison's variants (opened from the
table), which the label names. Title and description do not count; the seed
does (a variant is opened with the seed of its first run).
"""

from __future__ import annotations

from core.train.config import SessionConfig, config_to_dict, parse_config


def normalized(config: SessionConfig | dict) -> dict:
    """The config as a dict where equal settings compare equal: no title or description,
    the activation per layer, every hyper-parameter with its default filled in."""
    c = config if isinstance(config, SessionConfig) else parse_config(config)
    d = config_to_dict(c)
    d.pop("title", None)
    d.pop("description", None)
    d["network"]["activation"] = c.network.activations()
    d["optimizer"]["hyper"] = c.optimizer.resolved()
    return d


def _without_seed(d: dict) -> dict:
    out = {**d, "training": dict(d["training"])}
    out["training"].pop("seed", None)
    return out


class Provenance:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.results = None
        self.title = ""
        self._base: dict | None = None
        self._cells: list[dict] | None = None
        self._session: dict | None = None

    def start(self, results, config: SessionConfig) -> None:
        self.results = results
        self.title = results.spec.base.get("title", "")
        self._base = normalized(results.spec.base)
        self._cells = None
        self._session = normalized(config)

    def session_changed(self, config: SessionConfig) -> None:
        self._session = normalized(config)

    def _cell_norms(self) -> list[dict]:
        if self._cells is None:
            spec = self.results.spec
            self._cells = [_without_seed(normalized(spec.cell_config(c.values)))
                           for c in spec.cells]
        return self._cells

    def matching_variant(self) -> tuple[int, int] | None:
        """(cell, seed) of the variant the session now is, if any."""
        if self.results is None or self._session is None:
            return None
        seed = self._session["training"]["seed"]
        if seed not in self.results.spec.seeds:
            return None
        mine = _without_seed(self._session)
        for i, cell in enumerate(self._cell_norms()):
            if cell == mine:
                return i, seed
        return None

    @property
    def is_base(self) -> bool:
        return self.results is not None and self._session == self._base

    @property
    def stale(self) -> bool:
        return self.results is not None and not self.is_base and self.matching_variant() is None

    def text(self) -> str:
        if self.results is None or self.is_base:
            return ""
        match = self.matching_variant()
        if match is not None:
            cell, seed = match
            label = self.results.spec.cells[cell].label
            return (f"The session is now the variant \u201c{label}\u201d (seed {seed}) of "
                    f"this comparison of \u201c{self.title}\u201d.")
        return (f"These results come from an earlier config (\u201c{self.title}\u201d): the "
                "session has changed since. Run the comparison again to compare the current "
                "session.")

    def variant(self, cell: int) -> tuple[dict, str]:
        """The config of ``cell``'s first run (seed included), titled after the variant,
        and the variant's label."""
        spec = self.results.spec
        label = spec.cells[cell].label
        config = spec.cell_config(spec.cells[cell].values, spec.seeds[0])
        config["title"] = f"{self.title} \u2014 {label}"
        return config, label
