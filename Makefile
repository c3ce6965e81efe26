# Everything a fresh machine needs: Python 3.10+, git and make; on Linux also the
# system libraries of Qt's platform plugin (README: set-up), which `run` and `test`
# check first, printing the apt-get command when one is missing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Extras installed into the venv. The default includes `parity` (torch, for the
# PyTorch comparison tests); `make test EXTRAS=test` skips torch, and those tests
# are then reported as skipped. Without a local CPU wheel, pip fetches torch from
# PyPI, whose Linux build pulls in CUDA (several GB).
EXTRAS ?= test,parity
comma  := ,
# One stamp per set of extras, so switching EXTRAS installs what is missing; each
# is redone when pyproject.toml changes.
STAMP  := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: run test lint bench clean

# The venv is created once; its creation does not count as a change of pyproject.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[$(EXTRAS)]'
	$(BIN)/python -m core.warmup  # compile every kernel now, not at the first start
	touch $(STAMP)

# Qt-free, so it also runs when PySide6 cannot be loaded.
QT_CHECK := $(BIN)/python playground/app/qt_libs.py

run: $(STAMP)
	@$(QT_CHECK)
	$(BIN)/python main.py

test: $(STAMP)
	@QT_QPA_PLATFORM=offscreen $(QT_CHECK)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info

bench: $(STAMP)
	$(BIN)/python -m pip install -e '.[$(EXTRAS),bench]'
	$(BIN)/python benchmarks/bench.py
