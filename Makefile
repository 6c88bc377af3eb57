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

.PHONY: help env book test test-lib test-notebooks test-book test-browser student serve clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

env: $(STAMP)  ## create .venv and install requirements.txt (done by every other target)

book: $(STAMP)  ## build the website into _build/html (warnings are errors)
	@mkdir -p _build
	$(BIN)/jupyter-book build . -W -n --keep-going 2>&1 | tee _build/book-build.log
	@echo
	@echo "The book is built: open $(CURDIR)/_build/html/index.html"

test-lib: $(STAMP)  ## unit, hygiene and homework tests of course_lib and the notebooks' structure
	$(BIN)/python -m pytest -n $(JOBS) tests --ignore=tests/browser

test-notebooks: $(STAMP)  ## execute every lecture and homework notebook with nbval
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile -p no:cacheprovider --nbval-lax lectures homework

test-book: book  ## the warning-free book build, as a test

test-browser: book  ## open every page of the built site in headless Chromium (screenshots in _build/screenshots)
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser

test: test-lib test-notebooks test-book test-browser  ## the whole suite: library, notebooks, book build, browser
	@echo "make test: all checks passed."

student: $(STAMP)  ## write the student edition of the homework into _build/student
	$(BIN)/python -m course_lib.grading.student homework _build/student

serve: book  ## serve the built website on http://localhost:8000
	$(BIN)/python -m http.server --directory _build/html 8000

clean:  ## remove build outputs (keeps .venv)
	rm -rf _build .pytest_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
