# Two commands do everything on a fresh machine (Debian/Ubuntu, Python 3.11):
#   make book   build the website into _build/html (executing every notebook)
#   make test   the whole test suite, including a real-browser test of the site
# Both create .venv from the pinned requirements first (reused while up to date).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EDITIONS_STAMP := $(VENV)/.installed-nbgrader
TEST_STAMP := $(VENV)/.installed-test
JB_FLAGS := -W -n --keep-going
CHROMIUM ?= /usr/bin/chromium

.PHONY: book test venv student learner clean browser help
.DEFAULT_GOAL := help

help:
	@echo "make book   build the course website into _build/html (warnings are errors)"
	@echo "make test   run every test: cnnlib, doctests, notebooks (nbval), the built site in Chromium"
	@echo "make student  build the student edition into _build/student (no solutions)"
	@echo "make learner  remake learner/, the notebooks the website's Binder, Colab and download buttons open"
	@echo "make clean  remove _build (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3 is needed: apt-get install python3 python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(EDITIONS_STAMP): $(STAMP) requirements-nbgrader.txt
	$(BIN)/python -m pip install --quiet -r requirements-nbgrader.txt
	@touch $@

$(TEST_STAMP): $(EDITIONS_STAMP) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	@touch $@

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Website: _build/html/index.html"

# The student edition: notebooks without solutions or hidden tests, and their website.
STUDENT := _build/student
student: $(EDITIONS_STAMP)
	$(BIN)/python tools/editions.py student $(STUDENT)
	$(BIN)/jupyter-book build $(STUDENT) $(JB_FLAGS)
	@echo "Student notebooks: $(STUDENT)/book/*.ipynb"
	@echo "Student website:   $(STUDENT)/_build/html/index.html"

# The learner edition, committed in learner/: remake it after changing a chapter (a test fails until then).
learner: $(EDITIONS_STAMP)
	$(BIN)/python tools/editions.py learner learner

# Debian's chromium drives the browser test (playwright's own download cannot be used here).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser test..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser test needs Chromium at $(CHROMIUM)."; \
	    echo "Install it with:  sudo apt-get install chromium   then run make test again."; \
	    exit 1; \
	  fi; \
	fi

test: $(TEST_STAMP) browser book student
	@mkdir -p _build && rm -rf _build/frame-times.tsv _build/frame-times.tsv.again
	# 1. cnnlib's unit tests and doctests, two at a time
	$(BIN)/python -m pytest tests cnnlib --doctest-modules -n 2 --dist loadfile \
	  --ignore=tests/test_site.py --ignore=tests/test_live_kernel.py --durations=5 -q
	# 2. every notebook under nbval, one at a time, so that the frame-drawing times they log
	#    measure the figures and not a neighbour; an IPython start-up file makes every kernel
	#    time its interactive figures (tools/frame_budget.py), and the budget is checked after
	@mkdir -p _build/ipython/profile_default/startup
	@echo 'import sys; sys.path.insert(0, "$(CURDIR)/tools"); import frame_budget; frame_budget.time_figures()' \
	  > _build/ipython/profile_default/startup/00-frame-budget.py
	#    nbval runs each notebook twice in one kernel, as a learner pressing "Run All" again does
	#    (tests/plugins/run_all_twice.py); tests/test_rerun.py, in step 1, runs each cell twice in a row
	IPYTHONDIR=$(CURDIR)/_build/ipython CNNLIB_FRAME_LOG=$(CURDIR)/_build/frame-times.tsv PYTHONPATH=tests/plugins \
	  $(BIN)/python -m pytest book --nbval-lax -q -p no:xdist -p run_all_twice
	@$(BIN)/python tools/frame_budget.py _build/frame-times.tsv
	# 3. the built site and a live kernel in Chromium, alone, so that their timings measure the page
	$(BIN)/python -m pytest tests/test_site.py tests/test_live_kernel.py -q -rP

clean:
	rm -rf _build
