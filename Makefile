# HarvestLink: `make run` starts the platform with demo data; `make test` runs lint and the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 4
FLASK := $(BIN)/flask --app wsgi
TRANSLATED := core accounts produce buyers fairs counties api

.PHONY: run test venv dev-venv translations browser-deps migrate demo lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

# Compiled catalogues are build products, never committed.
translations: venv
	@for pkg in $(TRANSLATED); do \
	  if [ -d $$pkg/translations ]; then $(BIN)/pybabel -q compile -d $$pkg/translations || exit 1; fi; \
	done

# Debian's Chromium and CJK fonts for the browser tests (installed once; needs root and apt).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	      || echo "warning: could not install chromium/fonts-noto-cjk; browser tests will be skipped"; \
	  else echo "note: install chromium and fonts-noto-cjk for the browser tests"; fi; \
	fi

migrate: venv
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo

# Long work (imports of 100,000 rows, fair matching) runs as background jobs, so requests stay short and
# gunicorn's usual timeout applies.
run: translations demo
	exec $(BIN)/gunicorn --workers $(WORKERS) --timeout 60 --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

lint: dev-venv
	$(BIN)/ruff check .

test: dev-venv translations browser-deps lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: dev-venv translations
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
