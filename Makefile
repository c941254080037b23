# The two commands of the README: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch comes as the CPU build: on these machines pip finds the local 2.13.0 CPU wheel; elsewhere
# set TORCH_INDEX=--index-url=https://download.pytorch.org/whl/cpu to avoid the CUDA build.
TORCH_INDEX ?=
INSTALLED := $(VENV)/.installed

.PHONY: install browser demo test lint typecheck pytest lock clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_INDEX) "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

demo: install
	rm -f demo/storytrace.duckdb demo/storytrace.duckdb.wal
	mkdir -p demo
	$(BIN)/storytrace run examples/ --db demo/storytrace.duckdb --report demo/story.json
	$(BIN)/storytrace export --db demo/storytrace.duckdb --format html --output demo/dossier.html

test: install browser lint typecheck pytest

# The browser tests drive Debian's Chromium (never a browser downloaded by Playwright).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(BIN)/ruff check src tests $(wildcard bench) $(wildcard scripts)
	$(BIN)/ruff format --check src tests $(wildcard bench) $(wildcard scripts)

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

lock: install
	( echo "# Pinned versions for reproducible installs: make install uses this as a pip constraints file."; \
	  echo "# Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^storytrace' | sed 's/+cpu$$//' ) > constraints.txt

clean:
	rm -rf $(VENV) demo .mypy_cache .ruff_cache .pytest_cache
