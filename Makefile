# Mathematics of Deep Learning -- build and test.
# Quick start: `make book` (website into _build/html) and `make test` (the whole suite).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2
# The parallel test targets run JOBS processes; one BLAS thread each avoids oversubscribing the cores.
# reveal.js and require.js for the slide decks, from the npm registry (pinned).
REVEAL_VERSION  := 4.6.1
REQUIREJS_VERSION := 2.3.7
VENDOR := _build/vendor

.PHONY: help env book site slides test test-lib test-notebooks test-book test-browser student serve clean fuzz

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

env: $(STAMP)  ## create .venv and install requirements.txt (done by every other target)

book: site slides student  ## build the website (with slides and student homework) into _build/html
	@echo
	@echo "The book is built: open $(CURDIR)/_build/html/index.html"

NOTEBOOKS := $(wildcard lectures/*/*.ipynb homework/*.ipynb)

site: $(STAMP)  ## only the Jupyter Book build (warnings are errors)
	@mkdir -p _build
	@# Jupyter Book executes notebooks one by one; fill its execution cache in parallel first.
	OPENBLAS_NUM_THREADS=1 $(BIN)/python book/_ext/preexecute.py $(NOTEBOOKS)
	$(BIN)/jupyter-book build . -W -n --keep-going 2>&1 | tee _build/book-build.log

$(VENDOR)/.stamp:
	@command -v npm >/dev/null || { echo "make slides needs npm (Node.js) to fetch reveal.js from the npm registry"; exit 1; }
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cd $(VENDOR) && npm pack --silent reveal.js@$(REVEAL_VERSION) requirejs@$(REQUIREJS_VERSION) >/dev/null
	cd $(VENDOR) && tar xzf reveal.js-$(REVEAL_VERSION).tgz && mv package reveal.js
	cd $(VENDOR) && tar xzf requirejs-$(REQUIREJS_VERSION).tgz && cp package/require.js . && rm -rf package *.tgz
	@touch $@

slides: site $(VENDOR)/.stamp  ## the lectures as reveal.js decks in _build/html/slides (offline)
	$(BIN)/python -m course_lib.slides lectures _build/html --vendor $(VENDOR) --cache _build/.jupyter_cache --bib book/references.bib

test-lib: $(STAMP)  ## unit, hygiene and homework tests, and every docstring example of course_lib
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) tests --ignore=tests/browser
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) -p no:cacheprovider --doctest-modules course_lib

fuzz: $(STAMP)  ## the full bad-input fuzz of the public API (make test-lib runs its smoke version)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python tests/fuzz_api.py --jobs $(JOBS) --verbose

test-notebooks: $(STAMP)  ## execute every lecture and homework notebook with nbval
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) --dist loadfile -p no:cacheprovider --nbval-lax lectures homework

test-book: book  ## the warning-free book build, as a test

test-browser: book  ## open every page of the built site in headless Chromium (screenshots in _build/screenshots)
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser

test: test-lib test-notebooks test-book test-browser  ## the whole suite: library, notebooks, book build, browser
	@echo "make test: all checks passed."

student: $(STAMP)  ## write the student edition of the homework into _build/student (and into the website)
	$(BIN)/python -m course_lib.grading.student homework _build/student
	@# the website offers the student edition for download, also behind its .ipynb download button
	@if [ -d _build/html ]; then mkdir -p _build/html/student _build/html/_sources/homework \
	  && cp _build/student/*.ipynb _build/html/student/ && cp _build/student/*.ipynb _build/html/_sources/homework/; fi

serve: book  ## serve the built website on http://localhost:8000
	$(BIN)/python -m http.server --directory _build/html 8000

clean:  ## remove build outputs (keeps .venv)
	rm -rf _build .pytest_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
