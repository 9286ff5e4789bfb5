# Two commands do all the set-up: `make book` and `make test` (each creates .venv/ first).
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
# `make lab WHEELHOUSE=wheelhouse`: every install from that folder of wheels (`make wheelhouse`), no network.
WHEELHOUSE ?=
PIP_FROM := $(if $(WHEELHOUSE),--no-index --find-links $(abspath $(WHEELHOUSE)))
PIP_VERSION := 26.3
# uv installs the lock files (the test group in 23 s against pip's 47 s, caches warm; 3 s without compiling),
# hard-linking files from its cache (it copies where the cache is on another file system); pip stays in the venv for
# users and for the gpu group. --compile-bytecode, as pip does: where PYTHONDONTWRITEBYTECODE is set (this project's
# machines) Python never writes a .pyc, so every process would compile every module it imports, every time.
UV_VERSION := 0.13.9
UV_INSTALL := $(BIN)/python -m uv pip install --quiet --compile-bytecode --python $(BIN)/python $(PIP_FROM)
# One stamp per installed group. $(TREE) holds the checkout the venv was made for.
TREE := $(VENV)/.tree
INSTALLED := $(VENV)/.installed-base
INSTALLED_TEST := $(VENV)/.installed-test
INSTALLED_LAB := $(VENV)/.installed-lab
INSTALLED_SEARCH := $(VENV)/.installed-search
INSTALLED_GPU := $(VENV)/.installed-gpu
# A room's wheels (make wheelhouse), downloaded once per version of the kit lock (the stamp is newer than it): the
# default room, Linux x86_64 with CPython 3.11 (the locks' target, where `make test-kit` installs the kit), in
# _build/wheelhouse; another in _build/wheelhouse/PLATFORM-cpXY. Set on the command line only (an environment
# variable of the same name, such as the PYTHON_VERSION of Python's container images, does not count).
PLATFORM := linux
PYTHON_VERSION := 3.11
ROOM := $(PLATFORM)-cp$(subst .,,$(PYTHON_VERSION))
WHEELHOUSE_DIR := _build/wheelhouse$(if $(filter linux-cp311,$(ROOM)),,/$(ROOM))
WHEELHOUSE_DONE := $(WHEELHOUSE_DIR)/.downloaded
# `make test WITH_GPU=1` adds the gpu group (torch) so the measurement program's torch tests run (CI does).
WITH_GPU ?=
# `make notebooks NB=notebooks/X.ipynb` re-executes one notebook; `make bench BENCH_FLAGS="--repeat 3"`.
NB ?=
BENCH_FLAGS ?=

PHONY_INTERNAL := pytest
.PHONY: help venv book test check lint $(PHONY_INTERNAL) lab ready gpu lock kit-lock notebooks bench clean serve workshop wheelhouse test-kit pdf FORCE
.DEFAULT_GOAL := book

## help: list every target with what it does
help:
	@sed -n 's/^## \([a-z-]*\): /\1\t/p' $(MAKEFILE_LIST) | expand -t 14

# --- the virtual environment ------------------------------------------------------------------------------
# The venv belongs to one checkout: the editable install of `helpers`, the kernel and every script's
# shebang hold its absolute path. A venv copied or moved with the checkout (cp -r) would import the old
# tree's helpers, so when $(TREE) names another directory (or none) make rebuilds the venv from scratch.
VENV_TREE := $(shell cat $(TREE) 2>/dev/null)
ifneq ($(VENV_TREE),$(CURDIR))
$(TREE): FORCE
endif
FORCE:

$(TREE):
	@if [ -e $(VENV) ]; then echo "$(VENV) was made for $(or $(VENV_TREE),an unrecorded tree), not $(CURDIR): rebuilding it"; fi
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet $(PIP_FROM) pip==$(PIP_VERSION) uv==$(UV_VERSION)
	echo '$(CURDIR)' > $@

# Each group installs its lock file (every package pinned; --no-deps: exactly the lock, nothing pip would add),
# then the project itself without dependencies (editable: notebooks, papermill and pytest import this checkout's
# helpers), so the lock decides every version.
$(INSTALLED): requirements/base.txt pyproject.toml $(TREE)
	$(UV_INSTALL) --no-deps -r requirements/base.txt
	$(UV_INSTALL) --no-deps --editable .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (book)" > /dev/null
	$(BIN)/python -m helpers.vega_bundle > /dev/null
	touch $@

# JupyterLab (lab and test groups) never asks the internet for news or updates: settings overrides in the venv.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
define LAB_SETTINGS
{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}
endef
export LAB_SETTINGS
# ... and charts run in a JupyterLab session draw interactively: the book's Vega bundle beside JupyterLab's static
# files (helpers/charts.py loads it from there; nothing is fetched from the internet).
LAB_VEGA := $(VENV)/share/jupyter/lab/static/vega-bundle.js
define lab_setup
	mkdir -p $(dir $(LAB_OVERRIDES)) && echo "$$LAB_SETTINGS" > $(LAB_OVERRIDES)
	cp "$$($(BIN)/python -m helpers.vega_bundle)" $(LAB_VEGA)
endef

$(INSTALLED_TEST): requirements/test.txt $(INSTALLED)
	$(UV_INSTALL) --no-deps -r requirements/test.txt
	$(lab_setup)
	touch $(INSTALLED_SEARCH) $@

# jieba, for the book's Chinese search (make book); uv builds its wheel from the source archive once and caches it.
$(INSTALLED_SEARCH): requirements/search.txt $(INSTALLED)
	$(UV_INSTALL) --no-deps -r requirements/search.txt
	touch $@

$(INSTALLED_LAB): requirements/lab.txt $(INSTALLED)
	$(UV_INSTALL) --no-deps -r requirements/lab.txt
	$(lab_setup)
	touch $@

# torch is not in the lock files (a lock resolved on PyPI would name its CUDA build and nvidia-* packages):
# pip installs the gpu group's pin (taking a local CPU wheel where one lies on disk), its dependencies held
# to the lock's versions where they overlap.
$(INSTALLED_GPU): pyproject.toml requirements/test.txt $(INSTALLED)
	$(PIP) install --quiet -c requirements/test.txt $$($(BIN)/python -c "import tomllib; \
	  print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['gpu'])")
	touch $@

## venv: create .venv with the book's runtime (the base group) only
venv: $(INSTALLED)

## gpu: add torch (the gpu group) for `python -m tools.gpu_measure`
gpu: $(INSTALLED_GPU)

# --- lock files ----------------------------------------------------------------------------------------------
LOCK_VENV := .venv-lock
UV := $(LOCK_VENV)/bin/uv
LOCK_TARGET := --python-version 3.11 --python-platform x86_64-manylinux_2_28
LOCK_FLAGS ?=
# Left out of every lock: rfc3987-syntax (and lark, which only it needs) comes with jupyter-events'
# jsonschema[format-nongpl]; importing it builds an Earley parser, about 1.5 s in every kernel, pytest worker and
# Jupyter Book run, since jsonschema imports it whenever it is installed. Only the `iri` format check of
# JupyterLab's event schemas uses it, and jsonschema skips a format it has no checker for.
LOCK_OMIT := --no-emit-package rfc3987-syntax --no-emit-package lark
LOCK_HEADER = sed -i '1i \# Lock file for Linux x86_64, CPython 3.11: $(1). Generated by `make lock` (uv $(UV_VERSION)); do not edit.' $(2)

$(LOCK_VENV)/.uv-$(UV_VERSION):
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $@

## lock: re-resolve requirements.txt and requirements/*.txt from pyproject.toml (keeps current pins; LOCK_FLAGS=--upgrade for newer)
lock: $(LOCK_VENV)/.uv-$(UV_VERSION)
	$(UV) pip compile --quiet pyproject.toml --extra test --extra lab --extra search $(LOCK_TARGET) $(LOCK_FLAGS) $(LOCK_OMIT) \
	  --custom-compile-command 'make lock' -o requirements/test.txt
	$(UV) pip compile --quiet pyproject.toml $(LOCK_TARGET) $(LOCK_OMIT) -c requirements/test.txt \
	  --custom-compile-command 'make lock' -o requirements/base.txt
	$(UV) pip compile --quiet pyproject.toml --extra lab $(LOCK_TARGET) $(LOCK_OMIT) -c requirements/test.txt \
	  --custom-compile-command 'make lock' -o requirements/lab.txt
	$(UV) pip compile --quiet pyproject.toml --extra search $(LOCK_TARGET) $(LOCK_OMIT) -c requirements/test.txt \
	  --custom-compile-command 'make lock' -o requirements/search.txt
	$(UV) pip compile --quiet pyproject.toml --extra card $(LOCK_TARGET) $(LOCK_OMIT) -c requirements/test.txt \
	  --custom-compile-command 'make lock' -o requirements.txt
	printf '%s\n' '# this checkout itself, editable (the notebooks import its helpers package)' '-e .' >> requirements.txt
	$(call LOCK_HEADER,the design card environment (the runtime with JupyterLab and nbval; pip install -r requirements.txt),requirements.txt)
	$(call LOCK_HEADER,the base group (make book),requirements/base.txt)
	$(call LOCK_HEADER,base + lab groups (make lab),requirements/lab.txt)
	$(call LOCK_HEADER,base + search groups (make book),requirements/search.txt)
	$(call LOCK_HEADER,base + test + lab + search groups (make test; the gpu group is installed apart),requirements/test.txt)

# The workshop kit's lock: the lab group (base + JupyterLab) for every room participants bring (tools/kit_wheels.py
# names them: Linux x86_64 and aarch64, macOS arm64 and x86_64, Windows x86_64; CPython 3.11 to 3.13), in one
# universal file whose environment markers choose each room's packages (appnope on macOS, pywinpty and colorama on
# Windows, aiohttp for papermill on 3.12 only, ...). It keeps requirements/lab.txt's versions (and LOCK_OMIT's
# omissions), except where $(KIT_OVERRIDES) gives a room another, with its reason (the lab lock's version has no
# wheel there). $(KIT_WHEELS) records every pinned version's wheels and dependencies, and those of pip, uv and the
# build backend that the wheelhouse adds (from uv's pylock listing of the same resolution), so that
# tests/test_kit_locks.py checks every room offline in make check; this target runs it last.
KIT_LOCK := requirements/kit.txt
KIT_WHEELS := requirements/kit-wheels.json
KIT_OVERRIDES := requirements/kit-overrides.in
BUILD_BACKEND := $(shell sed -n 's/^requires = \["\(.*\)"\]/\1/p' pyproject.toml)
KIT_TOOLS = pip==$(PIP_VERSION) uv==$(UV_VERSION) $(BUILD_BACKEND)
KIT_COMPILE = $(UV) pip compile --quiet pyproject.toml --extra lab --universal --python-version 3.11 $(LOCK_OMIT) \
  -c $(LOCK_VENV)/kit-constraints.txt --overrides $(KIT_OVERRIDES) --custom-compile-command 'make kit-lock'

## kit-lock: re-resolve requirements/kit.txt (the workshop kit, every room's markers) and its wheel record; check both
kit-lock: $(LOCK_VENV)/.uv-$(UV_VERSION) $(INSTALLED_TEST)
	grep -v -f <(sed -n 's/^\([A-Za-z0-9._-]*\)==.*/^\1==/p' $(KIT_OVERRIDES)) requirements/lab.txt > $(LOCK_VENV)/kit-constraints.txt
	$(KIT_COMPILE) -o $(KIT_LOCK)
	sed -i -e 's#$(LOCK_VENV)/kit-constraints.txt#requirements/lab.txt#' -e '1i \# Universal lock file for the workshop kit (Linux x86_64 and aarch64, macOS arm64 and x86_64, Windows x86_64; CPython 3.11 to 3.13): base + lab groups. Generated by `make kit-lock` (uv $(UV_VERSION)); do not edit.' $(KIT_LOCK)
	printf '%s\n' $(KIT_TOOLS) > $(LOCK_VENV)/kit-tools.txt
	$(KIT_COMPILE) $(LOCK_VENV)/kit-tools.txt --format pylock.toml -o $(LOCK_VENV)/pylock.kit.toml
	$(LOCK_VENV)/bin/python -m tools.kit_wheels record $(KIT_LOCK) $(LOCK_VENV)/pylock.kit.toml $(LOCK_VENV)/kit-tools.txt -o $(KIT_WHEELS)
	BOOK_TEST_REAL_KERNELS=1 $(BIN)/python -m pytest -p no:xdist -o addopts="" -q tests/test_kit_locks.py

# --- the book ------------------------------------------------------------------------------------------------
# The bibliography is generated from the paper table (a test checks the committed copy is current).
book/references.bib: data/papers.csv helpers/chapters/research/__init__.py | $(INSTALLED)
	$(BIN)/python -m helpers.chapters.research && touch $@

# The glossary page is generated from its table and the chapters' text (a test checks the committed copy is current).
book/glossary.md: data/glossary.csv data/sources.csv machinery/glossary.py machinery/glossary_links.py $(wildcard notebooks/*.ipynb) | $(INSTALLED)
	$(BIN)/python -m machinery.glossary && touch $@

## book: build the HTML book, English in _build/html and Chinese in _build/html/zh (executes only the chapters whose inputs changed, in parallel, once for both)
# Jupyter Book's execution cache keys a notebook on its code only; book/_ext first brings it up to date with
# each chapter's recorded inputs (the tables and helper modules it used, the lock files): machinery.build takes
# the committed notebook's outputs where they are current and executes the other changed chapters, one
# kernel per CPU. `BOOK_NO_SEED=1 make book` executes instead of taking committed outputs. machinery.build --prepare
# runs in the background so those chapters execute while Jupyter Book starts up (the build waits on its lock and
# reports any failure itself); once the chapters are executed it builds the Chinese edition from them
# (machinery.edition_build, into _build/html/zh, its log in _build/book-zh.log) while the English pages are still
# being written, on the other core. When no file of the checkout (and no installed group) changed since the last
# successful build and its pages are intact, make book says so and builds nothing (machinery.build --up-to-date).
# machinery.build --jupyter-book is `jupyter-book build . -W -n --keep-going`, exiting without the 0.5 s teardown
# of a finished Sphinx process.
# The build's output also goes to $(BOOK_LOG); when it fails, the last line printed says why (--why).
BOOK_LOG := _build/book.log
# `make book EDITIONS=en` builds the English edition only (the benchmark's baseline; _build/html/zh is left as it was).
EDITIONS ?= en zh
book: $(INSTALLED) $(INSTALLED_SEARCH) book/references.bib book/glossary.md
	@if $(BIN)/python -m machinery.build --up-to-date; then exit 0; fi; \
	mkdir -p _build; $(BIN)/python -m machinery.build --prepare $(if $(filter zh,$(EDITIONS)),--editions) & prepared=$$!; \
	if $(BIN)/python -m machinery.build --jupyter-book 2>&1 | tee $(BOOK_LOG); then built=0; else built=$$?; fi; \
	if wait $$prepared; then zh=0; else zh=$$?; fi; \
	if [ $$built = 0 ] && [ $$zh != 3 ]; then $(BIN)/python -m machinery.build --built; \
	elif [ $$built = 0 ]; then built=1; else $(BIN)/python -m machinery.build --why $(BOOK_LOG); fi; exit $$built

## pdf: the whole book as one PDF, _build/pdf/state-of-generative-ai-2023.pdf, linked from the landing page
# Chromium prints every page of _toc.yml from the built book (offline), pypdf binds them with a contents page, page
# numbers and an outline (machinery.pdf). Playwright and pypdf are in the test group. Any later build of the book
# withdraws the PDF and its link (book/_ext/pdf_edition.py); make pdf prints it again, or says it is current.
pdf: book $(INSTALLED_TEST)
	$(BIN)/python -m machinery.pdf

## test: every test (lint, unit, schema, nbval, papermill, browser, JupyterLab, the kit) against a fresh build
# Two things at a time where they do not wait on each other and leave a core idle (-j2; --output-sync keeps each
# one's output together): the install beside the download of the kit's wheels, then the book's build beside the
# kit's offline install and run; then lint and pytest, which keeps both cores busy on its own.
test:
	$(MAKE) --no-print-directory -j2 --output-sync=target $(INSTALLED_TEST) $(WHEELHOUSE_DONE)
	$(MAKE) --no-print-directory $(if $(filter 1,$(WITH_GPU)),$(INSTALLED_GPU)) book/references.bib book/glossary.md
	$(MAKE) --no-print-directory -j2 --output-sync=target book test-kit
	$(MAKE) --no-print-directory lint pytest

# (internal) every pytest test of the checkout, after the build
pytest: $(INSTALLED_TEST)
	$(BIN)/python -m pytest

## check: the fast tier for every edit: unit, schema and nbval tests (no browser, no JupyterLab, no kit; about 30 s)
check: $(INSTALLED_TEST)
	$(BIN)/python -m pytest -m "not browser and not lab and not slow"

## lint: ruff over the code and the notebooks' code cells (configured in pyproject.toml)
lint: $(INSTALLED_TEST)
	$(BIN)/ruff check --quiet .

## lab: JupyterLab on the whole repository with the book's kernel, on 127.0.0.1 only, nothing fetched from the internet
# (the kit's own launcher: the same server options in the kit and here; it opens the browser and prints the address)
LAB_PORT ?= 8888
lab: $(INSTALLED_LAB)
	$(BIN)/python -m helpers.workshop --lab --port $(LAB_PORT)

## ready: the workshop's preflight here: the Python, the lab group installed, the stack's imports, one chapter run
ready: $(INSTALLED_LAB)
	@$(BIN)/python -m helpers.workshop --ready

## notebooks: re-execute the committed notebooks in place (after editing a chapter), recording each one's inputs
notebooks: $(INSTALLED)
	$(BIN)/python -m machinery.build --in-place $(NB)

## bench: the benchmark (JSON): cold/warm/CSV-edit builds, per-notebook execution, tests, page sizes, sweep
# (BENCH_FLAGS="--repeat 3" takes medians of three runs of each build; --skip-tests leaves out the tests;
# --fresh-clone adds a fresh clone's make test, install included)
bench: $(INSTALLED_TEST)
	$(BIN)/python tools/benchmark.py $(BENCH_FLAGS)

# --- workshops -----------------------------------------------------------------------------------------------
## workshop: the student kit in _build/workshop/ and _build/workshop.zip (chapters without solutions, data, helpers); LANG=zh: in Chinese, _build/workshop-zh/
# LANG counts only when given on the command line (make workshop LANG=zh): the environment's LANG is the locale.
KIT_LANG := $(if $(filter command line,$(origin LANG)),$(LANG),en)
workshop: $(INSTALLED)
	$(BIN)/python -m helpers.workshop --lang $(KIT_LANG)

# The kit lock's pins for the room (its markers evaluated for the room's platform and Python, not this machine's)
# and the tools its preflight installs (pip, uv, the build backend, pinned in requirements/kit-wheels.json), as
# wheels for the room: the same command as the kit's own `make wheelhouse` (helpers.workshop.rooms).
## wheelhouse: the kit's wheels for a room: PLATFORM=linux|linux-aarch64|macos-arm64|macos-x86_64|windows, PYTHON_VERSION=3.11|3.12|3.13 (default linux 3.11: _build/wheelhouse/; else _build/wheelhouse/PLATFORM-cpXY/)
wheelhouse: $(WHEELHOUSE_DONE)

$(WHEELHOUSE_DONE): $(KIT_LOCK) requirements/kit-wheels.json
	$(PYTHON) -m helpers.workshop --download $(PLATFORM) $(PYTHON_VERSION) $(WHEELHOUSE_DIR)
	touch $@

## test-kit: the student kit installed from the wheelhouse with no network, then a student copy run in it (slow)
test-kit: $(INSTALLED_TEST) $(WHEELHOUSE_DONE)
	BOOK_TEST_KIT=1 BOOK_TEST_REAL_KERNELS=1 $(BIN)/python -m pytest -p no:xdist -o addopts="" tests/test_workshop.py -k kit_

## serve: serve the built book on http://127.0.0.1:8000
serve:
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory _build/html 8000

## clean: remove the build (_build/); the virtual environment stays
clean:
	rm -rf _build
