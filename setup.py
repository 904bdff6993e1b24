"""Two source roots, one import package (the rest of the metadata is in pyproject.toml).

``constructs/`` holds ``cdk_securityhub_org`` (constructs, CLI, testing kit) and ``lambda/`` holds
``cdk_securityhub_org/handler`` (the Lambda asset). Neither root has an ``__init__.py`` of its own, so ``constructs/``
never shadows the ``constructs`` library. pyproject.toml's package finder maps a package to one root only, so the
handler's subpackages are found here and mapped under ``cdk_securityhub_org.handler``.
"""

from setuptools import find_packages, setup

HANDLER_ROOT = "lambda/cdk_securityhub_org"

setup(
    packages=find_packages("constructs") + [f"cdk_securityhub_org.{name}" for name in find_packages(HANDLER_ROOT)],
    package_dir={"": "constructs", "cdk_securityhub_org.handler": f"{HANDLER_ROOT}/handler"},
)
