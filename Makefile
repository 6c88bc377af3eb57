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
# Notebooks run JOBS at a time, so their sweeps (course_lib.sweep) run in-process: COURSE_LIB_SWEEP_JOBS=1.
# reveal.js and require.js for the slide decks, from the npm registry (pinned).
REVEAL_VERSION  := 4.6.1
REQUIREJS_VERSION := 2.3.7
VENDOR := _build/vendor

.PHONY: help env numba-signatures book site slides notebooks pdf pdf-print test test-lib test-notebooks test-book test-browser student grade serve clean release test-reader bench fuzz

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# jupyterlab_rise pulls in jupyterlab-mathjax3, a JupyterLab 3 extension; JupyterLab 4 has MathJax 3 built in
	$(BIN)/jupyter labextension disable --level=sys_prefix @jupyterlab/mathjax3-extension >/dev/null 2>&1
	@touch $(STAMP)

# numba compiles a kernel at its first call in a process (0.1-3 s each) unless it is in its on-disk cache
# (course_lib/**/__pycache__). Compile the signatures the notebooks use once, at install, so that no lecture pays it
# (course_lib/precompile.py; `make numba-signatures` re-records them). Redone when course_lib changes.
NUMBA_STAMP := $(VENV)/.numba-precompiled
COURSE_LIB_SOURCES := $(shell find course_lib -name '*.py' 2>/dev/null)

$(NUMBA_STAMP): $(STAMP) $(COURSE_LIB_SOURCES) course_lib/_numba_signatures.json
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m course_lib.precompile --jobs $(JOBS)
	@touch $@

env: $(STAMP) $(NUMBA_STAMP)  ## create .venv: requirements-dev.txt (includes the reader's requirements.txt), course_lib (editable), its kernels compiled

numba-signatures: $(STAMP)  ## re-record course_lib/_numba_signatures.json: execute every notebook from an empty numba cache
	OPENBLAS_NUM_THREADS=1 COURSE_LIB_SWEEP_JOBS=1 $(BIN)/python -m course_lib.precompile --jobs $(JOBS) --record $(NOTEBOOKS)

# The published website shows the student edition of the homework (no solutions anywhere in it);
# `make book EDITION=instructor` builds the instructor's own copy, with solutions, into _build/instructor/_build/html.
EDITION ?= student
BOOK_HTML := $(if $(filter instructor,$(EDITION)),_build/instructor/_build/html,_build/html)

book: site $(if $(filter instructor,$(EDITION)),,slides student notebooks)  ## build the website (with slides, student homework, reader notebooks and PDFs) into _build/html
	@# the PDFs are printed by Chromium (Debian's chromium package); without it the site is built without them
	@if [ "$(EDITION)" = instructor ]; then :; elif command -v chromium >/dev/null 2>&1 || [ -n "$${CHROMIUM:-}" ]; then $(MAKE) --no-print-directory pdf-print; \
	  else echo "Chromium not found: the PDFs were not built (apt-get install chromium, then make pdf)"; fi
	@echo
	@echo "The book ($(EDITION) edition) is built: open $(CURDIR)/$(BOOK_HTML)/index.html"

NOTEBOOKS := $(wildcard lectures/*/*.ipynb homework/*.ipynb)
LECTURE_NOTEBOOKS := $(wildcard lectures/*/*.ipynb)

site: $(STAMP) $(NUMBA_STAMP)  ## only the Jupyter Book build (warnings are errors); EDITION=instructor for the edition with solutions
	@mkdir -p _build
ifeq ($(EDITION),instructor)
	OPENBLAS_NUM_THREADS=1 COURSE_LIB_SWEEP_JOBS=1 $(BIN)/python book/_ext/preexecute.py $(NOTEBOOKS)
	@# the same execution cache as the student edition's build
	mkdir -p _build/instructor/_build && ln -sfn ../../.jupyter_cache _build/instructor/_build/.jupyter_cache
	COURSE_LIB_SWEEP_JOBS=1 $(BIN)/jupyter-book build . --path-output _build/instructor -W -n --keep-going 2>&1 | tee _build/book-build-instructor.log
else
	@# The site is built from _build/edition: the lectures as they are, the homework as the student edition.
	$(BIN)/python -m course_lib.grading edition _build/edition
	@# Jupyter Book executes notebooks one by one; fill its execution cache in parallel first.
	OPENBLAS_NUM_THREADS=1 COURSE_LIB_SWEEP_JOBS=1 $(BIN)/python book/_ext/preexecute.py $(LECTURE_NOTEBOOKS) _build/edition/homework/*.ipynb
	COURSE_LIB_SWEEP_JOBS=1 $(BIN)/jupyter-book build _build/edition --path-output . -W -n --keep-going 2>&1 | tee _build/book-build.log
endif

pdf: site  ## the book as one PDF (_build/pdf/book.pdf) and one PDF per page, printed from the website by Chromium
	$(MAKE) --no-print-directory pdf-print

pdf-print: $(STAMP)
	$(BIN)/python book/_ext/print_pdf.py --site _build/html --out _build/pdf
	@# the website links them (book/_ext/reader_pages.py)
	mkdir -p _build/html/pdf && cp _build/pdf/*.pdf _build/html/pdf/

$(VENDOR)/.stamp:
	@command -v npm >/dev/null || { echo "make slides needs npm (Node.js) to fetch reveal.js from the npm registry"; exit 1; }
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cd $(VENDOR) && npm pack --silent reveal.js@$(REVEAL_VERSION) requirejs@$(REQUIREJS_VERSION) >/dev/null
	cd $(VENDOR) && tar xzf reveal.js-$(REVEAL_VERSION).tgz && mv package reveal.js
	cd $(VENDOR) && tar xzf requirejs-$(REQUIREJS_VERSION).tgz && cp package/require.js . && rm -rf package *.tgz
	@touch $@

slides: site $(VENDOR)/.stamp  ## the lectures as curated reveal.js decks and PDF handouts in _build/html/slides (offline)
	$(BIN)/python -m course_lib.slides decks lectures _build/html --vendor $(VENDOR) --cache _build/.jupyter_cache \
	  --bib book/references.bib --doctrees _build/.doctrees
	@# PDF handouts: reveal.js print mode through headless Chromium, one page per slide
	$(BIN)/python -m course_lib.slides pdf _build/html/slides

notebooks: site student  ## the reader edition (plain Jupyter, install cell) of lectures and student homework in _build/notebooks
	$(BIN)/python -m course_lib.slides notebooks _build/notebooks --lectures lectures --homework homework \
	  --student _build/student --site _build/html --cache _build/.jupyter_cache --bib book/references.bib \
	  --doctrees _build/.doctrees

test-lib: $(STAMP) $(NUMBA_STAMP)  ## unit, hygiene and homework tests, and every docstring example of course_lib
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) tests --ignore=tests/browser --ignore=tests/reader
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) -p no:cacheprovider --doctest-modules course_lib

fuzz: $(STAMP)  ## the full bad-input fuzz of the public API (make test-lib runs its smoke version)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python tests/fuzz_api.py --jobs $(JOBS) --verbose

test-notebooks: $(STAMP) $(NUMBA_STAMP)  ## execute every lecture and homework notebook with nbval
	OPENBLAS_NUM_THREADS=1 COURSE_LIB_SWEEP_JOBS=1 $(BIN)/python -m pytest -n $(JOBS) --dist loadfile -p no:cacheprovider --nbval-lax lectures homework

test-book: book  ## the warning-free book build, as a test

test-browser: book  ## open every page of the built site in headless Chromium (screenshots in _build/screenshots)
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser

test-reader: notebooks  ## run reader notebooks in a fresh venv (requirements.txt + the built wheel, installed by their first cell)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -p no:cacheprovider tests/reader

test: test-lib test-notebooks test-book test-reader test-browser  ## the whole suite: library, notebooks, book build, reader notebooks, browser
	@echo "make test: all checks passed."

bench: $(STAMP)  ## time course_lib against its baselines (one process, interleaved); writes bench/RESULTS.md
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m bench.run

student: $(STAMP)  ## write the student edition of the homework into _build/student (and into the website)
	$(BIN)/python -m course_lib.grading.student homework _build/student
	@# the website offers the student edition for download, also behind its .ipynb download button
	@if [ -d _build/html ]; then mkdir -p _build/html/student _build/html/_sources/homework \
	  && cp _build/student/*.ipynb _build/html/student/ && cp _build/student/*.ipynb _build/html/_sources/homework/; fi

RELEASE := _build/release

release: $(STAMP)  ## make release VERSION=x.y.z: set the version, date the CHANGELOG, launch buttons at tag vX.Y.Z, write the notebooks branch
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y.z (see README, Versions and releases)"; exit 1; }
	$(BIN)/python book/_ext/release.py bump $(VERSION)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(MAKE) notebooks
	$(BIN)/python book/_ext/release.py notebooks-branch _build/notebooks $(RELEASE)/notebooks-branch
	rm -rf $(RELEASE)/dist && $(BIN)/python -m build --no-isolation --outdir $(RELEASE)/dist .
	@echo
	@echo "Release v$(VERSION) prepared: commit, tag v$(VERSION), publish $(RELEASE)/notebooks-branch as the notebooks branch (README)."

grade: $(STAMP)  ## grade SUBMISSIONS/<student>/<homework>.ipynb into SUBMISSIONS/grades.csv (TIMEOUT=seconds per notebook)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=DIR [TIMEOUT=600]"; exit 2; }
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m course_lib.grading grade $(SUBMISSIONS) --source homework --timeout $(or $(TIMEOUT),600)

serve: book  ## serve the built website on http://localhost:8000
	$(BIN)/python -m http.server --directory _build/html 8000

clean:  ## remove build outputs (keeps .venv)
	rm -rf _build .pytest_cache $(NUMBA_STAMP)
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
