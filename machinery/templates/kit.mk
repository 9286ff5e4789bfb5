# The workshop kit's own Makefile. Targets: lab (the default), ready, wheelhouse, clean; `make help` lists them.
# Everything is also one command without make:  python3 -m helpers.workshop --ready  (or --lab);
# on Windows:  py -3.12 -m helpers.workshop --ready
PYTHON ?= python3
WHEELHOUSE ?=
PLATFORM ?= linux
PYTHON_VERSION ?= 3.11
FROM := $(if $(WHEELHOUSE),--wheelhouse $(WHEELHOUSE))

.DEFAULT_GOAL := lab
.PHONY: help lab ready wheelhouse clean

## help: list the targets
help:
	@sed -n 's/^## //p' Makefile

## lab: JupyterLab on this folder (installs first if needed), opens the browser and prints the address last
lab:
	@$(PYTHON) -m helpers.workshop --lab $(FROM)

## ready: the preflight: Python and platform, install, imports, one chapter run; prints "ready" or what to fix
ready:
	@$(PYTHON) -m helpers.workshop --ready $(FROM)

## wheelhouse: every wheel a room needs, for PLATFORM=linux|linux-aarch64|macos-arm64|macos-x86_64|windows and PYTHON_VERSION=3.11|3.12|3.13
wheelhouse:
	$(PYTHON) -m helpers.workshop --download $(PLATFORM) $(PYTHON_VERSION) wheelhouse/$(PLATFORM)-cp$(subst .,,$(PYTHON_VERSION))
	@echo "wrote wheelhouse/$(PLATFORM)-cp$(subst .,,$(PYTHON_VERSION)): make ready WHEELHOUSE=wheelhouse/$(PLATFORM)-cp$(subst .,,$(PYTHON_VERSION))"

## clean: remove the environment (.venv/) and the reruns (reruns/)
clean:
	rm -rf .venv reruns
