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
# uv installs the pinned packages (pip would take a minute and a half); where pip is told to
# look for wheels in a local folder (PIP_FIND_LINKS), uv looks there too.
UV := $(BIN)/uv
UV_VERSION := 0.13.9
export UV_FIND_LINKS ?= $(PIP_FIND_LINKS)
UV_INSTALL := $(UV) pip install --quiet --python $(BIN)/python

# The kernels the builds and tests start read their configuration from here (see the file).
export IPYTHONDIR := $(CURDIR)/_build/ipython
KERNEL_CONFIG := $(IPYTHONDIR)/profile_default/ipython_kernel_config.py

.PHONY: book test venv student learner clean browser help
.DEFAULT_GOAL := help

help:
	@echo "make book     build the course website into _build/html (warnings are errors)"
	@echo "make test     run every test: cnnlib, doctests, notebooks (nbval), the built sites in Chromium"
	@echo "make student  build the student edition into _build/student (no solutions)"
	@echo "make learner  remake learner/, the notebooks the website's Binder, Colab and download buttons open"
	@echo "make clean    remove _build (keeps .venv)"

$(UV):
	@test -n "$(PYTHON)" || { echo "Python 3 is needed: apt-get install python3 python3-venv"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): requirements.txt pyproject.toml | $(UV)
	$(UV_INSTALL) -r requirements.txt
	@touch $@

$(EDITIONS_STAMP): $(STAMP) requirements-nbgrader.txt
	$(UV_INSTALL) -r requirements-nbgrader.txt
	@touch $@

$(TEST_STAMP): $(EDITIONS_STAMP) requirements-test.txt
	$(UV_INSTALL) -r requirements-test.txt
	@touch $@

venv: $(STAMP)

$(KERNEL_CONFIG): tools/ipython_kernel_config.py
	@mkdir -p $(@D) && cp $< $@

book: $(STAMP) $(KERNEL_CONFIG)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Website: _build/html/index.html"

# The student edition: notebooks without solutions or hidden tests, and their website.
STUDENT := _build/student
student: $(EDITIONS_STAMP) $(KERNEL_CONFIG)
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

# Every notebook is executed once per edition by the build (the full and the student website,
# side by side), and once more, with every cell re-run, by nbval; the tests of the editions
# read the builds' outputs.
test: $(TEST_STAMP) browser $(KERNEL_CONFIG)
	@$(MAKE) --no-print-directory -j2 book student
	# 1. two at a time: every notebook under nbval, run in one kernel as learners re-run it
	#    (tests/plugins/rerun.py); cnnlib's tests and doctests; the editions and nbgrader; the
	#    student site and a live kernel in Chromium
	PYTHONPATH=tests/plugins $(BIN)/python -m pytest book tests cnnlib --doctest-modules --nbval-lax -p rerun \
	  -n 2 --dist loadfile -m "not timed" --durations=5 -q
	# 2. alone, so that the times they measure are the figures' and the page's: every
	#    interactive figure's drawing budget, and every slider of the full site in Chromium
	$(BIN)/python -m pytest tests/test_figure_budget.py tests/test_site.py -m timed -q -rP

clean:
	rm -rf _build
