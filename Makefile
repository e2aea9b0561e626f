# RPR — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA_DIR ?= var/demo
INSTALLED := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Tests and benchmarks draw Qt offscreen; `make run` uses the real display.
TEST_ENV := QT_QPA_PLATFORM=offscreen
# What Qt's X11 platform needs beyond the base image (make screenshots; a real display).
XCB_PACKAGES := xvfb libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0
# What the report tests read PDFs back with (qpdf --check; pdftotext, pdffonts, pdftoppm).
PDF_TOOLS := qpdf poppler-utils

.PHONY: run test check lint typecheck imports pytest pdf-tools report-pages installer installer-test soak bench bench-installer screenshots safety-case demo-reset clean

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,server]'
	@touch $@

## Start the ward client, building the demo ward the first time.
run: $(INSTALLED)
	@test -f $(DATA_DIR)/rpr.db || $(BIN)/rpr demo-data --data-dir $(DATA_DIR)
	$(BIN)/rpr --data-dir $(DATA_DIR)

## Everything CI runs: format, lint, types, import rules, the tests, then the installers built and
## checked end to end (issue 9: `.ci/run` runs them too).
test: check pytest installer-test

check: lint typecheck imports

lint: $(INSTALLED)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

imports: $(INSTALLED)
	$(BIN)/lint-imports

# PostgreSQL: the configured one, or a throwaway cluster when none answers (scripts/with-postgres).
pytest: $(INSTALLED) pdf-tools
	$(TEST_ENV) scripts/with-postgres $(BIN)/pytest -n auto -p no:cacheprovider

pdf-tools:
	@dpkg -s $(PDF_TOOLS) >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $(PDF_TOOLS))

## Long crash and fault soaks (figures in docs/soak.md).
soak: $(INSTALLED)
	@mkdir -p bench/results && rm -f bench/results/soak.jsonl
	$(TEST_ENV) RPR_SOAK=1 RPR_SOAK_REPORT=$(CURDIR)/bench/results/soak.jsonl \
		scripts/with-postgres $(BIN)/pytest -m soak -n auto -p no:cacheprovider tests
	@cat bench/results/soak.jsonl

## Benchmarks: ratios against baselines run in the same process (plain SQLite, raw PostgreSQL,
## bare reportlab), written to docs/benchmarks.md and docs/benchmarks-sync.md.
bench: $(INSTALLED)
	$(TEST_ENV) scripts/with-postgres $(BIN)/python -m bench --write docs/benchmarks.md
	$(TEST_ENV) scripts/with-postgres $(BIN)/python -m bench --sync-only --write docs/benchmarks-sync.md
	$(MAKE) bench-installer

## The installer benchmarks: build time, artifact sizes, built program's start against source.
bench-installer: $(INSTALLED)
	@installers/system-packages.sh test
	$(TEST_ENV) $(BIN)/python -m bench.run_installer --write docs/benchmarks-installer.md

## Screenshots of the main screens under Xvfb, from a fresh demo ward (docs/screenshots/).
screenshots: $(INSTALLED)
	@dpkg -s $(XCB_PACKAGES) >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $(XCB_PACKAGES))
	xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python -m scripts.screenshots

## The clinical safety case report from the hazard log, with the test evidence of this commit.
safety-case: $(INSTALLED)
	$(TEST_ENV) $(BIN)/python -m scripts.safety_case --out docs/safety/safety-case.md

## The installers (issue 9): one-folder build, .deb, MSI (wixl; Authenticode-signed), signatures
## and manifest in build/installer/ (installers/README.md).
installer: $(INSTALLED)
	installers/build.sh

## Build the installers and check them end to end: the program, the .deb in a throwaway root, the
## MSI under wine (about 4 minutes; the last part of `make test`).
installer-test: $(INSTALLED)
	@installers/system-packages.sh test
	$(TEST_ENV) $(BIN)/pytest -m installer -p no:cacheprovider tests/installers

## Page images of every report from a fresh demo ward (docs/reports/, pdftoppm).
report-pages: $(INSTALLED) pdf-tools
	$(BIN)/python -m scripts.report_pages

## Throw the demo ward away and build a new one (prints new demo passwords).
demo-reset: $(INSTALLED)
	rm -rf $(DATA_DIR)
	$(BIN)/rpr demo-data --data-dir $(DATA_DIR)

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
