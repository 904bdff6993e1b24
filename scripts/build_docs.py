"""Build the API reference of ``cdk_securityhub_org`` (constructs, CLI, testing kit, handler) with pdoc into
``docs/api/`` and fail on any pdoc warning: a docstring reference that does not resolve, a module that does not
import. ``make docs`` runs it; CI runs ``make docs``."""

from __future__ import annotations

import importlib
import shutil
import sys
import warnings
from pathlib import Path

import pdoc
import pdoc.render

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "api"
MODULES = [
    "cdk_securityhub_org",
    "cdk_securityhub_org.cli",
    "cdk_securityhub_org.cloud_assembly",
    "cdk_securityhub_org.testing",
    "cdk_securityhub_org.handler",
]


def main() -> int:
    shutil.rmtree(OUTPUT, ignore_errors=True)
    # The package loads its constructs on first use (module __getattr__), which pdoc cannot see: load them into
    # the module first so that the reference documents them where users import them from.
    package = importlib.import_module("cdk_securityhub_org")
    vars(package).update({name: getattr(package, name) for name in package.__all__})
    pdoc.render.configure(docformat="markdown", show_source=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*MODULES, output_directory=OUTPUT)
    pdoc_root = str(Path(pdoc.__file__).parent)
    problems = [w for w in caught if w.filename.startswith(pdoc_root)]
    for problem in problems:
        print(f"docs: {problem.message}", file=sys.stderr)
    pages = len(list(OUTPUT.rglob("*.html")))
    print(f"docs: {pages} pages in {OUTPUT}; {len(problems)} warning(s)")
    return 1 if problems or pages == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
