# Warrant: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Local runs are development runs; production sets its own environment.
export DEBUG ?= true

.PHONY: help run test lint typecheck audit audit-deps lock format compile clean

$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	# --no-deps: the lock already names every dependency, pinned and hashed. Left to resolve them,
	# an older pip (the one a venv ships) asks for the newest release of a dependency named with
	# extras (lxml[html_clean]) and refuses it as unpinned; pip check then proves nothing is missing.
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-dev.txt
	$(BIN)/pip check
	touch $(STAMP)

help: ## What each target does
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' | expand -t 12

# Re-anchoring compiled to C with mypyc (about 1.6 to 1.8 times as fast) where a C compiler
# is at hand; recompiled when its source changes; the source runs otherwise.
COMPILED := archive/compiled.json
$(COMPILED): $(STAMP) archive/passages/reanchoring.py scripts/compile.py
	$(BIN)/python scripts/compile.py

compile: $(STAMP) ## Compile the hot modules with mypyc (run and test do when the source changed)
	$(BIN)/python scripts/compile.py

run: $(STAMP) $(COMPILED) ## Install, migrate, load demo data and serve on 127.0.0.1:8000 with a job worker
	$(BIN)/python scripts/serve.py --check-port $(HOST):$(PORT)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT)/
	$(BIN)/python scripts/serve.py $(HOST):$(PORT)

test: $(STAMP) $(COMPILED) ## The whole test suite
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP) ## Style, formatting and the layer contracts between packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# mypy with django-stubs and djangorestframework-stubs (settings in pyproject.toml),
# on archive/ and config/: any error fails.
typecheck: $(STAMP) ## Type check
	$(BIN)/mypy

audit: $(STAMP) ## Static security analysis of the code (bandit); works offline
	$(BIN)/bandit -q -r archive config -x archive/migrations

# pip-audit asks an online vulnerability database (PyPI's advisories, OSV), so it is
# not part of `make audit`: run it where the network allows, e.g. before a deployment.
audit-deps: $(STAMP) ## Known vulnerabilities in the locked runtime dependencies (needs the network)
	$(BIN)/pip-audit --require-hashes --disable-pip -r requirements.txt --progress-spinner off

# The .in files name the direct dependencies; the .txt files are the full, hashed locks.
LOCK := $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock"

lock: $(STAMP) ## Recompile requirements*.txt (every dependency pinned and hashed) from requirements*.in
	$(LOCK) --output-file requirements.txt requirements.in
	$(LOCK) --output-file requirements-dev.txt requirements-dev.in

format: $(STAMP) ## Format the code and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean: ## Remove the venv, the database and the caches (var/ too)
	test ! -x $(BIN)/python || $(BIN)/python scripts/compile.py --remove
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
