"""The package's layout: one import name from two source roots, a light top-level import, no shadowing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(code: str, cwd: Path = REPO) -> str:
    command = [sys.executable, "-c", code, str(REPO)]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_aws_cdk_lib_imports_from_the_repository_root_and_its_source_roots():
    # constructs/ (a source root with no __init__.py) must never shadow the `constructs` library, even first on
    # sys.path: a namespace folder loses to a regular package later on the path.
    code = (
        "import sys; sys.path[:0] = ['.', 'constructs', 'lambda'];"
        "import constructs, aws_cdk; print(constructs.Construct.__module__, constructs.__file__)"
    )
    module, location = _run(code).split()
    assert module.startswith("constructs")
    assert "site-packages" in location


def test_the_top_level_import_loads_neither_aws_cdk_lib_nor_the_testing_kit():
    loaded = _run(
        "import sys, cdk_securityhub_org;"
        "from cdk_securityhub_org import PrunePolicy, ConfigurationType, OnRegionUnavailable;"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('aws_cdk', 'jsii', 'cdk_securityhub_org.testing', 'cdk_securityhub_org.cli')))))"
    )
    assert loaded == ""


def test_the_handler_is_a_subpackage_whose_asset_path_is_its_import_path():
    from cdk_securityhub_org.handler import registry

    assert registry.PACKAGE == "cdk_securityhub_org.handler"
    for entry in registry.KINDS.values():
        kind = entry.load()
        assert kind.resource_type == entry.resource_type
        module = sys.modules[entry.module]
        assert callable(module.on_event)
        assert callable(module.is_complete)
        assert Path(module.__file__).is_relative_to(REPO / "lambda" / "cdk_securityhub_org" / "handler")


def test_the_handler_source_root_alone_imports_the_handler_as_the_lambda_would():
    # The Lambda runtime has the asset root (lambda/) on its path and no construct package: the handler must import
    # with the standard library and boto3 only, as a namespace package.
    code = (
        "import sys; sys.path[:] = ['lambda'] + [p for p in sys.path if p not in ('', '.', sys.argv[1])];"
        "import importlib, cdk_securityhub_org.handler.registry as r;"
        "[importlib.import_module(e.module) for e in r.KINDS.values()];"
        "import cdk_securityhub_org.handler.drift_repair;"
        "print(sorted(m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'yaml', 'jsii')))"
    )
    assert _run(code) == "[]"
