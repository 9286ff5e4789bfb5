# Two commands do all the set-up: `make book` and `make test` (each creates .venv/ first).
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Anything a chapter reads besides its own code: Jupyter Book's cache keys on notebook code
# only, so when these change the build clears the cache and re-executes every chapter.
INPUTS := $(sort $(wildcard data/*.csv data/*.json data/raw/* helpers/*.py book/_ext/*.py))

.PHONY: venv book test notebooks bench clean serve
.DEFAULT_GOAL := book

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -c "import pathlib, site; pathlib.Path(site.getsitepackages()[0], 'book_helpers.pth').write_text('$(CURDIR)\n')"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (book)" > /dev/null
	$(BIN)/python -c "import sys; sys.path.insert(0, 'book/_ext'); import book_ext; book_ext.cached_bundle()"
	touch $@

venv: $(INSTALLED)

# The bibliography is generated from the paper table (a test checks the committed copy is current).
book/references.bib: data/papers.csv helpers/research.py | $(INSTALLED)
	$(BIN)/python -m helpers.research && touch $@

## book: build the HTML book into _build/html (executes every chapter; cached when nothing changed)
book: $(INSTALLED) book/references.bib
	@stamp=$$(cat $(INPUTS) | sha256sum | cut -d' ' -f1); \
	if [ "$$(cat _build/.inputs-sha256 2>/dev/null)" != "$$stamp" ]; then \
	  echo "data/, helpers/ or book/_ext changed: clearing the execution cache"; \
	  rm -rf _build/.jupyter_cache _build/.doctrees _build/html; \
	fi; \
	$(BIN)/jupyter-book build . -W -n --keep-going; \
	echo "$$stamp" > _build/.inputs-sha256

## test: every test (unit, schema, nbval, papermill, browser) against a fresh build
test: book
	$(BIN)/python -m pytest

## notebooks: re-execute the committed notebooks in place (after editing a chapter)
notebooks: $(INSTALLED)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.record_timing=False notebooks/*.ipynb

## bench: the benchmark (JSON): cold/warm build, per-notebook execution, tests, page sizes, sweep
bench: $(INSTALLED)
	$(BIN)/python tests/benchmark.py

## serve: serve the built book on http://127.0.0.1:8000
serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

clean:
	rm -rf _build
